package http1

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkServe sends a small signed-sized POST and reads a small answer
// over one loopback keep-alive connection, to this server and to
// net/http's. The time per request is the client's and the server's
// together, as both run here.
func BenchmarkServe(b *testing.B) {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, answer)
	})
	b.Run("http1", func(b *testing.B) {
		addr, _ := start(b, handler)
		benchmarkClient(b, addr)
	})
	b.Run("net-http", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		srv := &http.Server{Handler: handler}
		go srv.Serve(ln)
		defer srv.Close()
		benchmarkClient(b, ln.Addr().String())
	})
}

const answer = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
	`<Arn>arn:aws:iam::111111111111:root</Arn><UserId>111111111111</UserId><Account>111111111111</Account>` +
	`</GetCallerIdentityResult></GetCallerIdentityResponse>`

func benchmarkClient(b *testing.B, addr string) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	url := "http://" + addr + "/"
	b.ReportAllocs()
	for b.Loop() {
		resp, err := client.Post(url, "application/x-www-form-urlencoded", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
