package stream

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/protocol"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// The group's requests travel on kafka-go's transport, which finds the
// group's coordinator (FindCoordinator) for every request, pools the
// connections and speaks TLS and SASL as the Connection says; they are
// encoded by franz-go's kmsg, which writes every version of them as Kafka
// does. (kafka-go v0.4.51 decodes the Heartbeat and LeaveGroup responses of
// v1 and later in the wrong field order, and sends Heartbeat to any broker
// rather than the coordinator.)

// groupExchange is one kmsg request to a group's coordinator, as a kafka-go
// protocol message that writes and reads itself on the connection
// (protocol.RawExchanger) at the version the connection negotiated.
type groupExchange struct {
	group    string
	clientID string
	req      kmsg.Request
	version  int16
	known    bool // the broker speaks the request's API
}

func (e *groupExchange) ApiKey() protocol.ApiKey { return protocol.ApiKey(e.req.Key()) }

// Group routes the request to the group's coordinator (protocol.GroupMessage).
func (e *groupExchange) Group() string { return e.group }

// Required takes the connection's negotiated versions; the exchange is
// always raw.
func (e *groupExchange) Required(versions map[protocol.ApiKey]int16) bool {
	v, ok := versions[e.ApiKey()]
	e.version, e.known = min(v, e.req.MaxVersion()), ok
	return true
}

// exchangeCorrelation is the correlation id of every exchange: a
// connection carries one request at a time.
const exchangeCorrelation = 1

// maxResponseSize bounds a group response read into memory.
const maxResponseSize = 64 << 20

// RawExchange writes the request and reads its response.
func (e *groupExchange) RawExchange(rw io.ReadWriter) (protocol.Message, error) {
	if !e.known {
		return nil, fmt.Errorf("the broker does not support the %s API", kmsg.NameForKey(e.req.Key()))
	}
	e.req.SetVersion(e.version)
	out := kmsg.NewRequestFormatter(kmsg.FormatterClientID(e.clientID)).AppendRequest(nil, e.req, exchangeCorrelation)
	if _, err := rw.Write(out); err != nil {
		return nil, err
	}
	var head [8]byte // size, correlation id
	if _, err := io.ReadFull(rw, head[:]); err != nil {
		return nil, err
	}
	size := binary.BigEndian.Uint32(head[:4])
	if size < 4 || size > maxResponseSize {
		return nil, fmt.Errorf("%s response of %d bytes", kmsg.NameForKey(e.req.Key()), size)
	}
	if id := int32(binary.BigEndian.Uint32(head[4:])); id != exchangeCorrelation {
		return nil, fmt.Errorf("%s response with correlation id %d, want %d", kmsg.NameForKey(e.req.Key()), id, exchangeCorrelation)
	}
	body := make([]byte, size-4)
	if _, err := io.ReadFull(rw, body); err != nil {
		return nil, err
	}
	resp := e.req.ResponseKind()
	resp.SetVersion(e.version)
	if resp.IsFlexible() {
		var err error
		if body, err = skipTags(body); err != nil {
			return nil, fmt.Errorf("%s response header: %w", kmsg.NameForKey(e.req.Key()), err)
		}
	}
	if err := resp.ReadFrom(body); err != nil {
		return nil, fmt.Errorf("read %s response: %w", kmsg.NameForKey(e.req.Key()), err)
	}
	return &groupAnswer{resp}, nil
}

// skipTags skips a flexible header's tagged fields.
func skipTags(b []byte) ([]byte, error) {
	n, used := binary.Uvarint(b)
	if used <= 0 {
		return nil, errors.New("bad tag count")
	}
	b = b[used:]
	for range n {
		if _, used = binary.Uvarint(b); used <= 0 {
			return nil, errors.New("bad tag")
		}
		b = b[used:]
		size, used := binary.Uvarint(b)
		if used <= 0 || uint64(len(b)-used) < size {
			return nil, errors.New("bad tag size")
		}
		b = b[used+int(size):]
	}
	return b, nil
}

// groupAnswer is a kmsg response as a kafka-go protocol message.
type groupAnswer struct{ resp kmsg.Response }

func (a *groupAnswer) ApiKey() protocol.ApiKey { return protocol.ApiKey(a.resp.Key()) }

// groupRequest sends req to the coordinator of group through client's
// transport and returns the response; a ctx without a deadline gets the
// client's Timeout, as the client's own requests do.
func groupRequest[R kmsg.Response](ctx context.Context, client *kafka.Client, clientID, group string, req kmsg.Request) (R, error) {
	var zero R
	if _, ok := ctx.Deadline(); !ok && client.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, client.Timeout)
		defer cancel()
	}
	transport := client.Transport
	if transport == nil {
		transport = kafka.DefaultTransport
	}
	msg, err := transport.RoundTrip(ctx, client.Addr, &groupExchange{group: group, clientID: clientID, req: req})
	if err != nil {
		return zero, err
	}
	answer, ok := msg.(*groupAnswer)
	if !ok {
		return zero, fmt.Errorf("%s: unexpected answer %T", kmsg.NameForKey(req.Key()), msg)
	}
	resp, ok := answer.resp.(R)
	if !ok {
		return zero, fmt.Errorf("%s: unexpected response %T", kmsg.NameForKey(req.Key()), answer.resp)
	}
	return resp, nil
}
