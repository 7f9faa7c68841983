package dashboard

import (
	"context"
	"errors"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/schema"
)

// registryCheckEvery is how often the registry is asked whether it is up.
const registryCheckEvery = 5 * time.Second

// registryCheckTimeout bounds each of those requests.
const registryCheckTimeout = 3 * time.Second

// registryProblem asks reg one cheap question (its global compatibility
// level) and returns what is wrong with it, "" when it answered at all:
// an HTTP error is an answer, only a failed exchange is a registry down.
func registryProblem(ctx context.Context, reg *schema.Client) string {
	ctx, cancel := context.WithTimeout(ctx, registryCheckTimeout)
	defer cancel()
	_, err := reg.Compatibility(ctx, "")
	var answer *schema.APIError
	switch {
	case err == nil || errors.As(err, &answer) || errors.Is(err, context.Canceled):
		return ""
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer within " + registryCheckTimeout.String()
	}
	return connect.RootCause(err)
}

// watchRegistry reports the registry's own state to report, on every
// change (the first check included), every interval until ctx ends: so the
// header's registry mark does not depend on a partition happening to need
// a schema.
func watchRegistry(ctx context.Context, check func(context.Context) string, report func(string), interval time.Duration) {
	last := "unchecked"
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		problem := check(ctx)
		if ctx.Err() != nil {
			return
		}
		if problem != last {
			report(problem)
			last = problem
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
