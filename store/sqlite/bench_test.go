package sqlite_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/store/storetest"
)

// BenchmarkPutObject measures the store's part of a 4 KiB PutObject
// under 32 concurrent writers, as the S3 load of BENCHMARKS.md drives
// it: the row with its inline body, its share of a durable group commit.
// Besides the time per write it reports the process's CPU time per
// write (user and system), the figure the load runs compare.
func BenchmarkPutObject(b *testing.B) {
	db := open(b, filepath.Join(b.TempDir(), "trustgate.db"))
	b.Cleanup(func() { db.Close() })
	ctx := b.Context()
	storetest.SeedForTest(b, db, "secret")
	if err := db.CreateBucket(ctx, &trustgate.Bucket{Name: "bench", Account: storetest.SeedAccount, Region: "us-east-1", CreatedAt: time.Now()}); err != nil {
		b.Fatal(err)
	}
	body := bytes.Repeat([]byte("x"), 4096)
	var seq atomic.Int64
	b.SetParallelism(16) // 32 writers on this machine's 2 cores
	before := cpuTime(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			o := &trustgate.Object{Bucket: "bench", Key: fmt.Sprintf("put/%d", seq.Add(1)), Size: int64(len(body)),
				ETag: `"0123456789abcdef0123456789abcdef"`, ContentType: "application/octet-stream", LastModified: time.Now(), Inline: body}
			if _, err := db.PutObject(ctx, o, trustgate.WriteCondition{}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64((cpuTime(b)-before).Microseconds())/float64(b.N), "cpu-µs/op")
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime(b *testing.B) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
