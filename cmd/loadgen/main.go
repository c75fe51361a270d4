// Command loadgen measures an endpoint with the real aws-sdk-go-v2
// clients: a fixed number of concurrent workers call one operation for a
// while (STS GetCallerIdentity or AssumeRole, S3 PutObject or GetObject
// of small objects), and it reports requests per second, p50 and p99
// latency, and the server's CPU time per call (from /proc/PID/stat). With
// -op Stream it puts and gets one large object instead and reports the
// throughput both ways and the server's peak memory.
//
//	loadgen -endpoint http://127.0.0.1:4600 -key AKIA... -secret ... -op GetCallerIdentity -pid 1234
//	loadgen -endpoint ... -op PutObject -bucket bench -size 4096 -pid 1234
//	loadgen -endpoint ... -op Stream -bucket bench -size 1073741824 -pid 1234
//	loadgen -bare 127.0.0.1:4700   # a bare handler answering a fixed GetCallerIdentity, for comparison
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/trustgate/trustgate/internal/measure"
)

func main() {
	var (
		endpoint    = flag.String("endpoint", "http://127.0.0.1:4600", "STS endpoint")
		key         = flag.String("key", "", "access key id")
		secret      = flag.String("secret", "", "secret access key")
		op          = flag.String("op", "GetCallerIdentity", "GetCallerIdentity, AssumeRole, PutObject, GetObject or Stream")
		roleARN     = flag.String("role", "", "role ARN, for AssumeRole")
		concurrency = flag.Int("c", 32, "concurrent workers")
		duration    = flag.Duration("d", 10*time.Second, "how long to run")
		warmup      = flag.Duration("warmup", 2*time.Second, "how long to run the load, unmeasured, before measuring")
		pid         = flag.Int("pid", 0, "server process id, to report its CPU time per call")
		label       = flag.String("label", "", "name of the target in the report")
		bare        = flag.String("bare", "", "serve a bare GetCallerIdentity handler on this address instead")
		bucket      = flag.String("bucket", "bench", "bucket, for the S3 operations")
		size        = flag.Int64("size", 4096, "object size in bytes, for the S3 operations")
		noChecksum  = flag.Bool("no-checksum", false, "send S3 bodies without the SDK's default checksum, as older clients do")
	)
	flag.Parse()
	if *bare != "" {
		serveBare(*bare)
		return
	}
	if *label == "" {
		*label = *endpoint
	}
	httpClient := &http.Client{Timeout: 10 * time.Minute, Transport: &http.Transport{
		MaxIdleConns: *concurrency * 2, MaxIdleConnsPerHost: *concurrency * 2,
	}}
	creds := credentials.NewStaticCredentialsProvider(*key, *secret, "")
	stsClient := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(*endpoint), Credentials: creds,
		HTTPClient: httpClient, RetryMaxAttempts: 1})
	s3Options := s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(*endpoint), Credentials: creds, UsePathStyle: true,
		HTTPClient: httpClient, RetryMaxAttempts: 1}
	if *noChecksum {
		s3Options.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	}
	s3Client := s3.New(s3Options)
	if *op == "Stream" {
		stream(s3Client, *bucket, *size, *pid, *label)
		return
	}
	body := bytes.Repeat([]byte("x"), int(*size))
	var seq atomic.Int64
	calls := map[string]func(ctx context.Context) error{
		"GetCallerIdentity": func(ctx context.Context) error {
			_, err := stsClient.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		},
		"AssumeRole": func(ctx context.Context) error {
			_, err := stsClient.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN, RoleSessionName: aws.String("loadgen")})
			return err
		},
		"PutObject": func(ctx context.Context) error {
			_, err := s3Client.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String(fmt.Sprintf("put/%d", seq.Add(1))),
				Body: bytes.NewReader(body)})
			return err
		},
		"GetObject": func(ctx context.Context) error {
			out, err := s3Client.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("get/object")})
			if err != nil {
				return err
			}
			defer out.Body.Close()
			_, err = io.Copy(io.Discard, out.Body)
			return err
		},
	}
	call, ok := calls[*op]
	if !ok {
		fmt.Fprintf(os.Stderr, "loadgen: unknown -op %q: GetCallerIdentity, AssumeRole, PutObject, GetObject or Stream\n", *op)
		os.Exit(2)
	}
	if *op == "GetObject" {
		if _, err := s3Client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: bucket, Key: aws.String("get/object"), Body: bytes.NewReader(body)}); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen: putting the object to get:", err)
			os.Exit(1)
		}
	}
	// Warm up connections and caches.
	for range *concurrency {
		if err := call(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
	}
	// Then run the load untimed for a while, so that every target is
	// measured in its steady state: pools filled, heap grown, caches warm.
	load(call, *concurrency, *warmup)
	cpuBefore := cpuTime(*pid)
	start := time.Now()
	latencies, failures := load(call, *concurrency, *duration)
	elapsed := time.Since(start)
	cpuAfter := cpuTime(*pid)
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	n := len(latencies)
	if n == 0 {
		fmt.Fprintln(os.Stderr, "loadgen: no request succeeded")
		os.Exit(1)
	}
	cpu := "-"
	if *pid != 0 {
		cpu = fmt.Sprintf("%.1f µs", float64((cpuAfter-cpuBefore).Microseconds())/float64(n+failures))
	}
	fmt.Printf("| %s | %s | %d | %.0f | %.2f ms | %.2f ms | %s | %d |\n", *label, *op, *concurrency, float64(n)/elapsed.Seconds(),
		ms(latencies[n/2]), ms(latencies[n*99/100]), cpu, failures)
}

// load runs call from concurrency workers for d and returns the
// latencies of the calls that succeeded and the number that failed.
func load(call func(context.Context) error, concurrency int, d time.Duration) ([]time.Duration, int) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var mu sync.Mutex
	var latencies []time.Duration
	failures := 0
	var wg sync.WaitGroup
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for ctx.Err() == nil {
				t := time.Now()
				if err := call(context.Background()); err != nil {
					bad++
					continue
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			failures += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	return latencies, failures
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// cpuTime is the user and system CPU time of a process so far, 0 for no
// process.
func cpuTime(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	t, err := measure.CPUTime(pid)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
	return t
}

// serveBare answers every request with a fixed GetCallerIdentity document,
// checking nothing: the ceiling any real server is measured against.
func serveBare(addr string) {
	body := []byte(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
		`<Arn>arn:aws:iam::111111111111:root</Arn><UserId>111111111111</UserId><Account>111111111111</Account>` +
		`</GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-4000-8000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
	fmt.Fprintln(os.Stderr, "bare handler on", addr)
	err := http.ListenAndServe(addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.Write(body)
	}))
	fmt.Fprintln(os.Stderr, "loadgen:", err)
	os.Exit(1)
}

// stream puts one object of size bytes, generated as it is sent, then
// gets it back, and reports MB/s both ways and the server's peak memory.
func stream(c *s3.Client, bucket string, size int64, pid int, label string) {
	ctx := context.Background()
	start := time.Now()
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("stream/large"),
		Body: &measure.Pattern{Size: size}, ContentLength: aws.Int64(size)}); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen: PutObject:", err)
		os.Exit(1)
	}
	put := time.Since(start)
	start = time.Now()
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("stream/large")})
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen: GetObject:", err)
		os.Exit(1)
	}
	got, want := sha256.New(), sha256.New()
	n, err := io.Copy(got, out.Body)
	out.Body.Close()
	get := time.Since(start)
	io.Copy(want, &measure.Pattern{Size: size})
	if err != nil || n != size || !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
		fmt.Fprintf(os.Stderr, "loadgen: GetObject read %d bytes (%v), not the %d put\n", n, err, size)
		os.Exit(1)
	}
	peak := "-"
	if rss, err := measure.PeakRSS(pid); pid != 0 && err == nil {
		peak = fmt.Sprintf("%d MiB", rss>>20)
	}
	mb := float64(size) / (1 << 20)
	fmt.Printf("| %s | %d MiB | %.0f MiB/s | %.0f MiB/s | %s |\n", label, size>>20, mb/put.Seconds(), mb/get.Seconds(), peak)
}
