package yamldoc

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// lockHolder describes the process holding the flock on f, as /proc/locks
// tells: "pid 4242: tweetpay buyer link @alice". It returns "" when that
// cannot be told (no /proc, a file system that reports other device
// numbers, a holder that has just let go).
func lockHolder(f *os.File) string {
	fi, err := f.Stat()
	if err != nil {
		return ""
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	dev := uint64(st.Dev)
	major := (dev>>8)&0xfff | (dev>>32)&^0xfff
	minor := dev&0xff | (dev>>12)&^0xff
	want := fmt.Sprintf("%02x:%02x:%d", major, minor, st.Ino)
	locks, err := os.ReadFile("/proc/locks")
	if err != nil {
		return ""
	}
	// Lines are "1: FLOCK  ADVISORY  WRITE 4242 08:01:1234 0 EOF"; a waiter's
	// line has "->" after the number, and is not the holder.
	for _, line := range strings.Split(string(locks), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 6 || fields[1] != "FLOCK" || fields[5] != want {
			continue
		}
		pid, err := strconv.Atoi(fields[4])
		if err != nil || pid <= 0 {
			continue
		}
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			return fmt.Sprintf("pid %d", pid)
		}
		return describeProcess(pid, strings.Split(string(bytes.TrimRight(cmdline, "\x00")), "\x00"))
	}
	return ""
}
