package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/kafkaplot/kafkaplot/stream"
)

// runCluster runs the embedded broker and registry in the foreground.
func runCluster(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("cluster", stderr, "kafkaplot cluster: run the embedded Kafka broker and schema registry until Ctrl-C.")
	broker := fs.String("broker", stream.DefaultEmbeddedBroker, "broker address (kfake binds 127.0.0.1 only)")
	registry := fs.String("registry", stream.DefaultEmbeddedRegistry, "schema registry listen address")
	partitions := fs.Int("partitions", 2, "partitions of the topic")
	topic := fs.String("topic", "temperature", "topic to create")
	subject := fs.String("subject", "sensor", "subject to register the sensor schema under")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *partitions < 1 || *partitions > 1024 {
		return usageError{fmt.Errorf("--partitions %d: want 1 to 1024", *partitions)}
	}
	emb, err := stream.StartEmbedded(ctx, stream.EmbeddedConfig{
		BrokerAddr:   *broker,
		RegistryAddr: *registry,
		Topic:        *topic,
		Partitions:   *partitions,
		Subject:      *subject,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "kafka broker   %s\nschema registry %s\ntopic          %s (%d partitions)\nsubject        %s\nPress Ctrl-c to stop.\n",
		emb.BrokerAddr(), emb.RegistryURL(), *topic, *partitions, *subject)
	if f, ok := stdout.(*os.File); ok {
		f.Sync()
	}
	<-ctx.Done()
	if err := emb.Close(); err != nil {
		return fmt.Errorf("stop embedded cluster: %w", err)
	}
	return nil
}
