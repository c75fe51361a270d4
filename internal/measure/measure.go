// Package measure holds what the load generator and the end-to-end tests
// measure servers with: bodies generated as they are read, and a
// process's CPU time and peak memory from /proc.
package measure

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Pattern is a seekable body of Size bytes held nowhere: byte i is a
// function of i, so what comes back can be checked against a new Pattern.
type Pattern struct {
	Size int64
	off  int64
}

// Read implements io.Reader.
func (p *Pattern) Read(b []byte) (int, error) {
	if p.off >= p.Size {
		return 0, io.EOF
	}
	n := min(int64(len(b)), p.Size-p.off)
	for i := range n {
		x := p.off + i
		b[i] = byte(x*31 + x>>17)
	}
	p.off += n
	return int(n), nil
}

// Seek implements io.Seeker.
func (p *Pattern) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		p.off = offset
	case io.SeekCurrent:
		p.off += offset
	case io.SeekEnd:
		p.off = p.Size + offset
	}
	if p.off < 0 {
		return 0, fmt.Errorf("measure: seek to %d, before the start", p.off)
	}
	return p.off, nil
}

// PeakRSS is the most memory a process has held (VmHWM).
func PeakRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("measure: no VmHWM in /proc/%d/status", pid)
}

// CPUTime is the user and system CPU time a process has used so far.
func CPUTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the ")" that closes the command name: utime and stime
	// are the 14th and 15th fields of the whole line.
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	if len(fields) < 13 {
		return 0, fmt.Errorf("measure: /proc/%d/stat is short", pid)
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks, nil
}
