package sigv4_test

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/trustgate/trustgate/sigv4"
)

// A server authenticates each request, treats an unsigned one as an
// anonymous S3 request, and answers failures as the service would.
func ExampleVerifier_Verify() {
	v := sigv4.NewVerifier(sigv4.KeysFunc(func(ctx context.Context, id, token string) (sigv4.Key, error) {
		if id == "AKIAIOSFODNN7EXAMPLE" && token == "" {
			return sigv4.Key{Secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}, nil
		}
		return sigv4.Key{}, &sigv4.Error{Kind: sigv4.UnknownAccessKey}
	}))
	_ = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		service, _ := sigv4.ServiceOf(r)
		signed, err := v.Verify(r)
		if k, _ := sigv4.KindOf(err); err != nil && k == sigv4.MissingAuth {
			service = "s3" // anonymous
		} else if err != nil {
			reply := sigv4.ReplyFor(err, service)
			http.Error(w, reply.Code+": "+reply.Message, reply.Status)
			return
		}
		if signed != nil {
			// Read the payload through signed.Body (also r.Body) to its end;
			// an error there means the body does not match its signature.
			if _, err := io.Copy(io.Discard, signed.Body); err != nil {
				reply := sigv4.ReplyFor(err, service)
				http.Error(w, reply.Code, reply.Status)
				return
			}
		}
	})
}

func ExampleError_Reply() {
	err := &sigv4.Error{Kind: sigv4.UnknownAccessKey}
	for _, service := range []string{"sts", "organizations", "s3"} {
		r := err.Reply(service)
		fmt.Println(service, r.Status, r.Code)
	}
	// Output:
	// sts 403 InvalidClientTokenId
	// organizations 400 UnrecognizedClientException
	// s3 403 InvalidAccessKeyId
}
