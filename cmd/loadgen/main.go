// Command loadgen measures an STS endpoint with the real aws-sdk-go-v2
// client: a fixed number of concurrent workers call GetCallerIdentity or
// AssumeRole for a while, and it reports requests per second, p50 and p99
// latency, and the server's CPU time per call (from /proc/PID/stat).
//
//	loadgen -endpoint http://127.0.0.1:4600 -key AKIA... -secret ... -op GetCallerIdentity -pid 1234
//	loadgen -bare 127.0.0.1:4700   # a bare handler answering a fixed GetCallerIdentity, for comparison
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {
	var (
		endpoint    = flag.String("endpoint", "http://127.0.0.1:4600", "STS endpoint")
		key         = flag.String("key", "", "access key id")
		secret      = flag.String("secret", "", "secret access key")
		op          = flag.String("op", "GetCallerIdentity", "GetCallerIdentity or AssumeRole")
		roleARN     = flag.String("role", "", "role ARN, for AssumeRole")
		concurrency = flag.Int("c", 32, "concurrent workers")
		duration    = flag.Duration("d", 10*time.Second, "how long to run")
		pid         = flag.Int("pid", 0, "server process id, to report its CPU time per call")
		label       = flag.String("label", "", "name of the target in the report")
		bare        = flag.String("bare", "", "serve a bare GetCallerIdentity handler on this address instead")
	)
	flag.Parse()
	if *bare != "" {
		serveBare(*bare)
		return
	}
	if *label == "" {
		*label = *endpoint
	}
	client := sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(*endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(*key, *secret, ""),
		HTTPClient: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			MaxIdleConns: *concurrency * 2, MaxIdleConnsPerHost: *concurrency * 2,
		}},
		RetryMaxAttempts: 1,
	})
	call := func(ctx context.Context) error {
		if *op == "AssumeRole" {
			_, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN, RoleSessionName: aws.String("loadgen")})
			return err
		}
		_, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		return err
	}
	// Warm up connections and caches.
	for range *concurrency {
		if err := call(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
	}
	cpuBefore := cpuTime(*pid)
	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	var mu sync.Mutex
	var latencies []time.Duration
	failures := 0
	var wg sync.WaitGroup
	start := time.Now()
	for range *concurrency {
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

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// cpuTime is the user+system CPU time of a process so far.
func cpuTime(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
	// Fields after the ")" closing the command name: utime and stime are
	// the 14th and 15th fields of the whole line.
	rest := string(b[strings.LastIndexByte(string(b), ')')+2:])
	fields := strings.Fields(rest)
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks
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
