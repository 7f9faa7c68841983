//go:build windows

package neterr

import (
	"syscall"

	"golang.org/x/sys/windows"
)

func addrInUse(e syscall.Errno) bool {
	return e == windows.WSAEADDRINUSE || e == syscall.EADDRINUSE
}

func connRefused(e syscall.Errno) bool {
	return e == windows.WSAECONNREFUSED || e == syscall.ECONNREFUSED
}

func connReset(e syscall.Errno) bool {
	return e == windows.WSAECONNRESET || e == syscall.ECONNRESET
}
