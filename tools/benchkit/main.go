// Command benchkit drives the measurements of scripts/bench.sh that need
// more than a shell: floods of sensor events (or clicks, Protobuf or
// plain JSON records) at a fixed rate, franz-go's raw read of a topic, a consumer group's progress and
// a process's memory over time, and rebalance timings of real dashboards in
// tmux. It is not part of kafkaplot. (Produce→drawn latency is the root
// package's BenchmarkProduceToDrawn, which runs the dashboard's own bridge.)
//
//	benchkit flood     --brokers B --registry R --events N [--kind sensor|click|protobuf|json] [--sensors 1000] [--rate 0]
//	benchkit raw       --brokers B --topic T --records N
//	benchkit lag       --brokers B --group G [--pid P] [--until-end [--min-high N]] [--duration D]
//	benchkit rebalance --bin kafkaplot [--rounds 3]
//	benchkit port
//
// Every subcommand prints "key=value" result lines that bench.sh reads.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "benchkit:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("want a subcommand: flood, raw, lag, rebalance, backfill or port")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	switch args[0] {
	case "flood":
		return runFlood(ctx, fs, args[1:], out)
	case "raw":
		return runRaw(ctx, fs, args[1:], out)
	case "lag":
		return runLag(ctx, fs, args[1:], out)
	case "rebalance":
		return runRebalance(ctx, fs, args[1:], out)
	case "backfill":
		return runBackfill(ctx, fs, args[1:], out)
	case "port":
		addr, err := freePort()
		if err != nil {
			return err
		}
		_, port, err := net.SplitHostPort(addr)
		fmt.Fprintln(out, port)
		return err
	}
	return fmt.Errorf("unknown subcommand %q", args[0])
}
