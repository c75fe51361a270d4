package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trustgate/trustgate/internal/measure"
)

func iamClient(s *server) *iam.Client {
	return iam.New(iam.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(s.Endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider(s.Root.AccessKeyId, s.Root.SecretAccessKey, ""),
		HTTPClient:       &http.Client{Timeout: 10 * time.Second},
		RetryMaxAttempts: 1,
	})
}

// killDuringWrites runs four writers, each calling write with names of
// its own until it fails, kills the server with SIGKILL once want writes
// are acknowledged, and returns the names whose writes were acknowledged.
func killDuringWrites(t *testing.T, s *server, want int, write func(ctx context.Context, name string) error) []string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var acknowledged []string
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil && i < 2000; i++ {
				name := fmt.Sprintf("w%d-%d", w, i)
				if write(ctx, name) != nil {
					return // the server is gone
				}
				mu.Lock()
				acknowledged = append(acknowledged, name)
				mu.Unlock()
			}
		}()
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(acknowledged)
		mu.Unlock()
		if n >= want {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	s.cmd.Wait()
	cancel()
	wg.Wait()
	if len(acknowledged) < want/4 {
		t.Fatalf("only %d writes were acknowledged before the kill", len(acknowledged))
	}
	return acknowledged
}

// Nothing acknowledged is lost when the process is killed: writers create
// users until the server is killed with SIGKILL mid-stream; after a
// restart every user whose creation was answered exists.
func TestKillDuringWrites(t *testing.T) {
	dir := t.TempDir()
	s := start(t, dir)
	client := iamClient(s)
	acknowledged := killDuringWrites(t, s, 200, func(ctx context.Context, name string) error {
		_, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("user-" + name)})
		return err
	})

	restarted := start(t, dir)
	client = iamClient(restarted)
	for _, name := range acknowledged {
		if _, err := client.GetUser(context.Background(), &iam.GetUserInput{UserName: aws.String("user-" + name)}); err != nil {
			t.Fatalf("user %s was acknowledged before SIGKILL but is gone after restart: %v", name, err)
		}
	}
	t.Logf("%d acknowledged writes all survived SIGKILL", len(acknowledged))
}

func s3Client(s *server) *s3.Client {
	return s3.New(s3.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(s.Endpoint),
		UsePathStyle:     true,
		Credentials:      credentials.NewStaticCredentialsProvider(s.Root.AccessKeyId, s.Root.SecretAccessKey, ""),
		HTTPClient:       &http.Client{Timeout: 5 * time.Minute},
		RetryMaxAttempts: 1,
	})
}

// objectBody is the body the durability test writes under key: its size
// and bytes follow from the key, so a torn object shows.
func objectBody(key string) []byte {
	sum := sha256.Sum256([]byte(key))
	return bytes.Repeat(sum[:], 1+int(sum[0])*64) // 32 B to 522 KB
}

// Nothing acknowledged is lost and no object is torn when the process is
// killed during S3 writes: after a restart every acknowledged object reads
// back whole, and every object listed is one of those written, whole.
func TestKillDuringS3Writes(t *testing.T) {
	dir := t.TempDir()
	s := start(t, dir)
	client := s3Client(s)
	if _, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("durable")}); err != nil {
		t.Fatal(err)
	}
	acknowledged := killDuringWrites(t, s, 100, func(ctx context.Context, name string) error {
		key := "objects/" + name
		_, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("durable"), Key: aws.String(key), Body: bytes.NewReader(objectBody(key))})
		return err
	})

	client = s3Client(start(t, dir))
	read := func(key string) ([]byte, error) {
		out, err := client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("durable"), Key: aws.String(key)})
		if err != nil {
			return nil, err
		}
		defer out.Body.Close()
		return io.ReadAll(out.Body)
	}
	for _, name := range acknowledged {
		key := "objects/" + name
		if b, err := read(key); err != nil || !bytes.Equal(b, objectBody(key)) {
			t.Fatalf("object %s was acknowledged before SIGKILL but reads back as %d bytes, %v", key, len(b), err)
		}
	}
	listed := 0
	for p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String("durable")}); p.HasMorePages(); {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			listed++
			if b, err := read(aws.ToString(o.Key)); err != nil || !bytes.Equal(b, objectBody(aws.ToString(o.Key))) {
				t.Errorf("listed object %s reads back torn: %d bytes, %v", aws.ToString(o.Key), len(b), err)
			}
		}
	}
	t.Logf("%d acknowledged objects (%d listed) all survived SIGKILL whole", len(acknowledged), listed)
}

// A large object streams through the server both ways: its memory stays
// far below the object's size.
func TestStreamingMemory(t *testing.T) {
	const size = 512 << 20
	s := start(t, t.TempDir())
	client := s3Client(s)
	ctx := context.Background()
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("large")}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("large"), Key: aws.String("disk.img"), Body: &measure.Pattern{Size: size},
		ContentLength: aws.Int64(size)}); err != nil {
		t.Fatal(err)
	}
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("large"), Key: aws.String("disk.img")})
	if err != nil {
		t.Fatal(err)
	}
	got, want := sha256.New(), sha256.New()
	n, err := io.Copy(got, out.Body)
	out.Body.Close()
	io.Copy(want, &measure.Pattern{Size: size})
	if err != nil || n != size || !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
		t.Fatalf("GetObject read %d bytes, %v; want the %d bytes put", n, err, size)
	}
	peak, err := measure.PeakRSS(s.cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if peak > 128<<20 {
		t.Errorf("the server's memory peaked at %d MiB for a %d MiB object; it must stream", peak>>20, size>>20)
	} else {
		t.Logf("the server's memory peaked at %d MiB for a %d MiB object", peak>>20, size>>20)
	}
}
