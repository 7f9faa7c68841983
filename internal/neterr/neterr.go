// Package neterr tells the socket errors kafkaplot acts on apart the same
// way on every platform: an address in use, a refused and a reset
// connection. Windows reports them as WSA error numbers, which syscall's
// POSIX names (syscall.EADDRINUSE, ...) do not match there. It does not
// explain errors or retry anything.
package neterr

import (
	"errors"
	"syscall"
)

// AddrInUse reports whether err is a failure to bind an address in use.
func AddrInUse(err error) bool { return is(err, addrInUse) }

// ConnRefused reports whether err is a connection the peer refused.
func ConnRefused(err error) bool { return is(err, connRefused) }

// ConnReset reports whether err is a connection the peer reset.
func ConnReset(err error) bool { return is(err, connReset) }

// is reports whether err carries an errno that match accepts.
func is(err error, match func(syscall.Errno) bool) bool {
	var errno syscall.Errno
	return errors.As(err, &errno) && match(errno)
}
