package e2e

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
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

// Nothing acknowledged is lost when the process is killed: writers create
// users until the server is killed with SIGKILL mid-stream; after a
// restart every user whose creation was answered exists.
func TestKillDuringWrites(t *testing.T) {
	dir := t.TempDir()
	s := start(t, dir)
	client := iamClient(s)
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
				name := fmt.Sprintf("user-%d-%d", w, i)
				if _, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
					return // the server is gone
				}
				mu.Lock()
				acknowledged = append(acknowledged, name)
				mu.Unlock()
			}
		}()
	}
	// Kill once a good number of writes are acknowledged.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(acknowledged)
		mu.Unlock()
		if n >= 200 {
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
	if len(acknowledged) < 50 {
		t.Fatalf("only %d writes were acknowledged before the kill", len(acknowledged))
	}

	restarted := start(t, dir)
	client = iamClient(restarted)
	for _, name := range acknowledged {
		if _, err := client.GetUser(context.Background(), &iam.GetUserInput{UserName: aws.String(name)}); err != nil {
			t.Fatalf("user %s was acknowledged before SIGKILL but is gone after restart: %v", name, err)
		}
	}
	t.Logf("%d acknowledged writes all survived SIGKILL", len(acknowledged))
}
