package stream

import (
	"errors"
	"fmt"
	"strings"

	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"
)

// SASL mechanism names, as Kafka and kafka.sasl_mechanism spell them.
const (
	SASLPlain       = "PLAIN"
	SASLSCRAMSHA256 = "SCRAM-SHA-256"
	SASLSCRAMSHA512 = "SCRAM-SHA-512"
)

// NewSASL returns the client side of a SASL mechanism for Connection.SASL:
// PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, case-insensitive.
func NewSASL(mechanism, username, password string) (sasl.Mechanism, error) {
	if username == "" {
		return nil, errors.New("sasl: no username")
	}
	switch strings.ToUpper(mechanism) {
	case SASLPlain:
		return plain.Mechanism{Username: username, Password: password}, nil
	case SASLSCRAMSHA256:
		m, err := scram.Mechanism(scram.SHA256, username, password)
		if err != nil {
			return nil, fmt.Errorf("sasl %s: %w", SASLSCRAMSHA256, err)
		}
		return m, nil
	case SASLSCRAMSHA512:
		m, err := scram.Mechanism(scram.SHA512, username, password)
		if err != nil {
			return nil, fmt.Errorf("sasl %s: %w", SASLSCRAMSHA512, err)
		}
		return m, nil
	}
	return nil, fmt.Errorf("sasl: unknown mechanism %q (want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)", mechanism)
}

// SASLUser is a user the embedded broker accepts.
type SASLUser struct {
	Mechanism string // PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
	Username  string
	Password  string
}
