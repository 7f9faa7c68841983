package dashboard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/internal/neterr"
)

// Detection deadlines for a running embedded cluster: a quick look before
// starting one, and a patient one when starting failed because its ports are
// taken (a loaded machine can keep the first instance from answering in time).
const (
	embeddedDetect  = time.Second
	embeddedRecheck = 10 * time.Second
)

// embeddedJoin decides between starting the embedded cluster and joining one
// another kafkaplot started on the same addresses.
type embeddedJoin struct {
	cfg         embedded.Config // the cluster to start
	registryURL string          // where its registry answers
	detect      time.Duration   // the first look for a running cluster
	recheck     time.Duration   // the second look, when the ports are taken
}

// startOrJoin returns the started cluster, or nil and joined true when a
// cluster already answers on the addresses. When a port is held by
// something that does not answer as a cluster, the error names the address
// and the flags that choose others.
func (j embeddedJoin) startOrJoin(ctx context.Context) (emb *embedded.Cluster, joined bool, err error) {
	if embedded.Running(ctx, j.cfg.BrokerAddr, j.registryURL, j.detect) {
		return nil, true, nil
	}
	emb, err = embedded.Start(ctx, j.cfg)
	if err == nil {
		return emb, false, nil
	}
	if !neterr.AddrInUse(err) {
		return nil, false, fmt.Errorf("start embedded cluster (or run one with \"kafkaplot cluster\"): %w", err)
	}
	if embedded.Running(ctx, j.cfg.BrokerAddr, j.registryURL, j.recheck) {
		return nil, true, nil
	}
	addr := j.cfg.BrokerAddr + " or " + j.cfg.RegistryAddr
	if opErr := (*net.OpError)(nil); errors.As(err, &opErr) && opErr.Addr != nil {
		addr = opErr.Addr.String()
	}
	return nil, false, fmt.Errorf("start embedded cluster: %s is in use by something that is not a kafkaplot cluster (no broker and registry answered within %s); stop it or choose free addresses with --embedded-broker and --embedded-registry", addr, j.recheck)
}
