//go:build !windows

package neterr

import "syscall"

func addrInUse(e syscall.Errno) bool   { return e == syscall.EADDRINUSE }
func connRefused(e syscall.Errno) bool { return e == syscall.ECONNREFUSED }
func connReset(e syscall.Errno) bool   { return e == syscall.ECONNRESET }
