package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// A read of a key that is being overwritten answers with the old object
// or the new one, whole, never an error: S3's read-after-write
// consistency. The bodies are past the inline limit, so each is a file
// that the overwrite removes.
func TestS3ReadWhileOverwritten(t *testing.T) {
	_, c, bucket := withBucket(t, "contended")
	ctx := t.Context()
	bodies := [][]byte{bytes.Repeat([]byte("A"), 100<<10), bytes.Repeat([]byte("B"), 100<<10)}
	write := func(i int) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("hot"), Body: bytes.NewReader(bodies[i%2])})
		return err
	}
	if err := write(0); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := write(i); err != nil {
				t.Errorf("PutObject: %v", err)
				return
			}
		}
	}()
	deadline := time.Now().Add(2 * time.Second)
	var readers sync.WaitGroup
	for r := range 3 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for n := r; time.Now().Before(deadline); n++ {
				if err := readOrCopy(t, c, bucket, n, bodies); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	readers.Wait()
	close(stop)
	wg.Wait()
}

// readOrCopy reads the contended key, or copies it, by turns.
func readOrCopy(t *testing.T, c *s3.Client, bucket *string, n int, bodies [][]byte) error {
	ctx := t.Context()
	if n%2 == 1 {
		_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("copy"),
			CopySource: aws.String(strings.Join([]string{*bucket, "hot"}, "/"))}, noRetries)
		if err != nil {
			return fmt.Errorf("CopyObject during overwrites: %w", err)
		}
		return nil
	}
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("hot")}, noRetries)
	if err != nil {
		return fmt.Errorf("GetObject during overwrites: %w", err)
	}
	body, err := io.ReadAll(got.Body)
	got.Body.Close()
	if err != nil || !(bytes.Equal(body, bodies[0]) || bytes.Equal(body, bodies[1])) {
		return fmt.Errorf("GetObject during overwrites read %d bytes (%v), neither version whole", len(body), err)
	}
	return nil
}

// noRetries makes the SDK report a failure at once, where its retryer
// would try a 500 again and hide it.
func noRetries(o *s3.Options) { o.Retryer = aws.NopRetryer{} }
