package sigv4_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trustgate/trustgate/sigv4"
)

// The example of the S3 API reference, "Signature Calculations for the
// Authorization Header: Transferring Payload in Multiple Chunks (Chunked
// Upload)": a PUT of 66560 bytes of 'a' in chunks of 65536, 1024 and 0
// bytes, with the seed and chunk signatures AWS published.
const (
	docSeed   = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
	docChunk1 = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
	docChunk2 = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"
	docChunk3 = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
	docDate   = "20130524T000000Z"
	docScope  = "20130524/us-east-1/s3/aws4_request"
)

// The same upload with a signed trailing checksum, from "Signature
// Calculations for Trailing Headers": its seed, chunk and trailer
// signatures as published.
const (
	docTrailerSeed   = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
	docTrailerChunk1 = "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2"
	docTrailerChunk2 = "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7"
	docTrailerChunk3 = "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992"
	docTrailerSig    = "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"
)

var docData = bytes.Repeat([]byte("a"), 66560)

func docBody(sigs [3]string, trailer string) string {
	return "10000;chunk-signature=" + sigs[0] + "\r\n" + string(docData[:65536]) + "\r\n" +
		"400;chunk-signature=" + sigs[1] + "\r\n" + string(docData[65536:]) + "\r\n" +
		"0;chunk-signature=" + sigs[2] + "\r\n" + trailer + "\r\n"
}

// docRequest is the documented request on the wire, with body.
func docRequest(body string) string {
	return "PUT /examplebucket/chunkObject.txt HTTP/1.1\r\n" +
		"Host: s3.amazonaws.com\r\n" +
		"x-amz-date: 20130524T000000Z\r\n" +
		"x-amz-storage-class: REDUCED_REDUNDANCY\r\n" +
		"Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request," +
		"SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class," +
		"Signature=" + docSeed + "\r\n" +
		"x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD\r\n" +
		"Content-Encoding: aws-chunked\r\n" +
		"x-amz-decoded-content-length: 66560\r\n" +
		"Content-Length: 66824\r\n\r\n" + body
}

var docTime = time.Date(2013, 5, 24, 0, 0, 30, 0, time.UTC)

func TestChunkedAWSExample(t *testing.T) {
	flip := func(s string) string {
		if s[63] == '0' {
			return s[:63] + "1"
		}
		return s[:63] + "0"
	}
	tests := []struct {
		name     string
		body     string
		readWant string // Kind from reading the body
	}{
		{"published", docBody([3]string{docChunk1, docChunk2, docChunk3}, ""), "ok"},
		{"chunk 1 signature", docBody([3]string{flip(docChunk1), docChunk2, docChunk3}, ""), "SignatureMismatch"},
		{"chunk 2 signature", docBody([3]string{docChunk1, flip(docChunk2), docChunk3}, ""), "SignatureMismatch"},
		{"final signature", docBody([3]string{docChunk1, docChunk2, flip(docChunk3)}, ""), "SignatureMismatch"},
		{"chunk byte", strings.Replace(docBody([3]string{docChunk1, docChunk2, docChunk3}, ""), "aaaa", "aaba", 1), "SignatureMismatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.body) != 66824 {
				t.Fatalf("body is %d bytes, the example's Content-Length is 66824", len(tt.body))
			}
			v := sigv4.NewVerifier(keys)
			v.Now = func() time.Time { return docTime }
			r := serve(t, docRequest(tt.body))
			s, err := v.Verify(r)
			if err != nil {
				t.Fatalf("Verify(the documented request) = %v", err)
			}
			if s.Payload != sigv4.PayloadStreaming || s.ContentLength != 66560 {
				t.Errorf("Verify(the documented request) = %+v", s)
			}
			got, err := io.ReadAll(s.Body)
			if k := kindOf(err); k != tt.readWant {
				t.Fatalf("ReadAll(Signed.Body) = %s (%v), want %s", k, err, tt.readWant)
			}
			if err == nil && !bytes.Equal(got, docData) {
				t.Errorf("ReadAll(Signed.Body) = %d bytes, want the 66560 'a's", len(got))
			}
			// Reading exactly the decoded length verifies everything too.
			s2, _ := v.Verify(serve(t, docRequest(tt.body)))
			buf := make([]byte, 66560)
			_, err = io.ReadFull(s2.Body, buf)
			if k := kindOf(err); k != tt.readWant {
				t.Errorf("ReadFull(Signed.Body, 66560) = %s (%v), want %s", k, err, tt.readWant)
			}
		})
	}
}

func TestChunkedAWSTrailerExample(t *testing.T) {
	key := signingKey(secret, "20130524", "us-east-1", "s3")
	chain := &sigv4.Chain{Key: key, Time: docDate, Scope: docScope, Seed: docTrailerSeed}
	trailer := "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:" + docTrailerSig + "\r\n"
	body := docBody([3]string{docTrailerChunk1, docTrailerChunk2, docTrailerChunk3}, trailer)
	tests := []struct {
		name, body, want string
		promised         []string
	}{
		{"published", body, "ok", []string{"x-amz-checksum-crc32c"}},
		{"not checked against x-amz-trailer", body, "ok", nil},
		{"LF before signature", strings.Replace(body, "\r\nx-amz-trailer-signature", "\n\r\nx-amz-trailer-signature", 1), "ok", nil},
		{"checksum changed", strings.Replace(body, "sOO8/Q==", "sOO8/A==", 1), "SignatureMismatch", nil},
		{"trailer signature changed", strings.Replace(body, docTrailerSig, strings.Repeat("0", 64), 1), "SignatureMismatch", nil},
		{"trailer signature missing", strings.Replace(body, "x-amz-trailer-signature:"+docTrailerSig+"\r\n", "", 1), "TrailerMalformed", nil},
		{"other trailer promised", body, "TrailerMalformed", []string{"x-amz-checksum-crc32"}},
		{"chunk byte", strings.Replace(body, "aaaa", "abaa", 1), "SignatureMismatch", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := sigv4.NewChunkedReader(strings.NewReader(tt.body), sigv4.ChunkedOptions{
				Chain: chain, Trailer: true, DecodedLength: 66560, Trailers: tt.promised})
			got, err := io.ReadAll(c)
			if k := kindOf(err); k != tt.want {
				t.Fatalf("ReadAll(ChunkedReader) = %s (%v), want %s", k, err, tt.want)
			}
			if err != nil {
				return
			}
			if !bytes.Equal(got, docData) {
				t.Errorf("ReadAll(ChunkedReader) = %d bytes, want the 66560 'a's", len(got))
			}
			if v := c.Trailers().Get("x-amz-checksum-crc32c"); v != "sOO8/Q==" {
				t.Errorf("Trailers() = %v, want x-amz-checksum-crc32c: sOO8/Q==", c.Trailers())
			}
		})
	}
}

func crc32Base64(b []byte) string {
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], crc32.ChecksumIEEE(b))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// streamingRequest signs a streaming PUT with the AWS SDK signer and
// frames data after it, the way S3 clients upload.
func streamingRequest(t *testing.T, mode string, data []byte, chunk int, tamper func([]byte) []byte) string {
	t.Helper()
	r := newRequest(t, "PUT", "s3.amazonaws.com", "/bucket/big object.bin", "/bucket/big%20object.bin", "", nil)
	r.Header.Set("Content-Encoding", "aws-chunked")
	r.Header.Set("X-Amz-Decoded-Content-Length", fmt.Sprint(len(data)))
	var trailers []string
	if mode != sigv4.StreamingPayload {
		r.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
		trailers = []string{"x-amz-checksum-crc32:" + crc32Base64(data)}
	}
	signHeader(t, r, signOpts{service: "s3", payloadHash: mode})
	var key []byte
	if mode != sigv4.StreamingUnsignedPayloadTrailer {
		key = signingKey(secret, "20261122", "us-east-1", "s3")
	}
	body := awsChunks(data, chunk, key, "20261122T103000Z", "20261122/us-east-1/s3/aws4_request", seedOf(t, r), trailers)
	if tamper != nil {
		body = tamper(body)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	return wire(t, r)
}

func TestChunkedStreaming(t *testing.T) {
	data := make([]byte, 200_000)
	for i := range data {
		data[i] = byte(i*7 + i/251)
	}
	flipAt := func(i int) func([]byte) []byte {
		return func(b []byte) []byte { b = bytes.Clone(b); b[i] ^= 1; return b }
	}
	cut := func(n int) func([]byte) []byte { return func(b []byte) []byte { return b[:n] } }
	cutEnd := func(n int) func([]byte) []byte { return func(b []byte) []byte { return b[:len(b)-n] } }
	swapChunks := func(b []byte) []byte {
		// Two equal-sized chunks traded: each signature is valid for its
		// own bytes, only the chain puts them out of order.
		i := bytes.Index(b, []byte("2000;chunk-signature="))
		j := bytes.Index(b[i+1:], []byte("2000;chunk-signature=")) + i + 1
		n := j - i
		out := bytes.Clone(b)
		copy(out[i:], b[j:j+n])
		copy(out[j:], b[i:i+n])
		return out
	}
	tests := []struct {
		name   string
		mode   string
		chunk  int
		tamper func([]byte) []byte
		want   string
	}{
		{"signed 64KiB chunks", sigv4.StreamingPayload, 65536, nil, "ok"},
		{"signed 8KiB chunks", sigv4.StreamingPayload, 8192, nil, "ok"},
		{"signed one chunk", sigv4.StreamingPayload, len(data), nil, "ok"},
		{"signed odd chunks", sigv4.StreamingPayload, 8193, nil, "ok"},
		{"signed chunks under 8KiB", sigv4.StreamingPayload, 8191, nil, "ChunkTooSmall"},
		{"signed data byte", sigv4.StreamingPayload, 8192, flipAt(100_000), "SignatureMismatch"},
		{"signed chunks swapped", sigv4.StreamingPayload, 8192, swapChunks, "SignatureMismatch"},
		{"signed cut mid-data", sigv4.StreamingPayload, 8192, cut(50_000), "IncompleteBody"},
		{"signed cut in header", sigv4.StreamingPayload, 8192, cut(8192 + 90 + 2 + 10), "IncompleteBody"},
		{"signed cut before final chunk", sigv4.StreamingPayload, 8192, cutEnd(len("0;chunk-signature=") + 64 + 4), "IncompleteBody"},
		{"signed without final CRLF", sigv4.StreamingPayload, 8192, cutEnd(2), "ok"},
		{"signed trailing garbage", sigv4.StreamingPayload, 8192, func(b []byte) []byte { return append(bytes.Clone(b), "junk"...) }, "ChunkMalformed"},
		{"signed bad size", sigv4.StreamingPayload, 8192, func(b []byte) []byte { b = bytes.Clone(b); b[0] = 'x'; return b }, "ChunkMalformed"},
		{"signed trailer", sigv4.StreamingPayloadTrailer, 65536, nil, "ok"},
		{"signed trailer data byte", sigv4.StreamingPayloadTrailer, 65536, flipAt(1000), "SignatureMismatch"},
		{"signed trailer cut in trailers", sigv4.StreamingPayloadTrailer, 65536, cutEnd(70), "IncompleteBody"},
		{"unsigned trailer", sigv4.StreamingUnsignedPayloadTrailer, 65536, nil, "ok"},
		{"unsigned trailer small chunks", sigv4.StreamingUnsignedPayloadTrailer, 1000, nil, "ChunkTooSmall"},
		{"unsigned trailer cut", sigv4.StreamingUnsignedPayloadTrailer, 65536, cut(1000), "IncompleteBody"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := streamingRequest(t, tt.mode, data, tt.chunk, tt.tamper)
			s, err := verifierAt(signTime).Verify(serve(t, raw))
			if err != nil {
				t.Fatalf("Verify(streaming PUT) = %v", err)
			}
			got, err := io.ReadAll(s.Body)
			if k := kindOf(err); k != tt.want {
				t.Fatalf("ReadAll(Signed.Body) = %s (%v), want %s", k, err, tt.want)
			}
			if err != nil {
				return
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("ReadAll(Signed.Body) = %d bytes, not the %d sent", len(got), len(data))
			}
			if tt.mode != sigv4.StreamingPayload {
				if v := s.Trailers().Get("X-Amz-Checksum-Crc32"); v != crc32Base64(data) {
					t.Errorf("Trailers() = %v, want x-amz-checksum-crc32 %s", s.Trailers(), crc32Base64(data))
				}
			}
		})
	}
}

func TestChunkedDecodedLength(t *testing.T) {
	data := bytes.Repeat([]byte("xyz"), 5000)
	key := signingKey(secret, "20261122", "us-east-1", "s3")
	chain := &sigv4.Chain{Key: key, Time: "20261122T103000Z", Scope: "20261122/us-east-1/s3/aws4_request", Seed: strings.Repeat("ab", 32)}
	body := awsChunks(data, 8192, key, chain.Time, chain.Scope, chain.Seed, nil)
	tests := []struct {
		name    string
		decoded int64
		want    string
	}{
		{"exact", int64(len(data)), "ok"},
		{"unknown", -1, "ok"},
		{"declared longer", int64(len(data)) + 1, "IncompleteBody"},
		{"declared shorter", int64(len(data)) - 1, "ChunkMalformed"},
		{"declared zero", 0, "ChunkMalformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := sigv4.NewChunkedReader(bytes.NewReader(body), sigv4.ChunkedOptions{Chain: chain, DecodedLength: tt.decoded})
			_, err := io.Copy(io.Discard, c)
			if k := kindOf(err); k != tt.want {
				t.Fatalf("Copy(ChunkedReader, decoded length %d) = %s (%v), want %s", tt.decoded, k, err, tt.want)
			}
		})
	}
}

func TestChunkedMissingDecodedLength(t *testing.T) {
	raw := streamingRequest(t, sigv4.StreamingPayload, []byte("abc"), 8192, nil)
	raw = strings.Replace(raw, "X-Amz-Decoded-Content-Length: 3\r\n", "", 1)
	_, err := verifierAt(signTime).Verify(serve(t, raw))
	if k := kindOf(err); k != "MissingDecodedLength" {
		t.Fatalf("Verify(no x-amz-decoded-content-length) = %s (%v), want MissingDecodedLength", k, err)
	}
	if rep := sigv4.ReplyFor(err, "s3"); rep.Code != "MissingContentLength" || rep.Status != 411 {
		t.Errorf("ReplyFor(MissingDecodedLength, s3) = %+v", rep)
	}
}

// Every chunk but the last must have 8 KiB; S3 names the chunk after the
// short one and the short one's size (note 67).
func TestChunkTooSmallReply(t *testing.T) {
	data := bytes.Repeat([]byte("z"), 20_000)
	raw := streamingRequest(t, sigv4.StreamingPayload, data, 8000, nil)
	s, err := verifierAt(signTime).Verify(serve(t, raw))
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(s.Body)
	rep := sigv4.ReplyFor(err, "s3")
	want := []sigv4.Field{{Name: "Chunk", Value: "2"}, {Name: "BadChunkSize", Value: "8000"}}
	if rep.Code != "InvalidChunkSizeError" || rep.Status != 403 || rep.Message != "Only the last chunk is allowed to have a size less than 8192 bytes" || !slices.Equal(rep.Fields, want) {
		t.Errorf("ReplyFor(a 8,000-byte first chunk, s3) = %+v; want 403 InvalidChunkSizeError with %v", rep, want)
	}
}

// A signed aws-chunked body sent without Content-Length (in HTTP chunks)
// is MissingContentLength, as S3 answers it (note 61).
func TestChunkedWithoutContentLength(t *testing.T) {
	raw := streamingRequest(t, sigv4.StreamingPayload, []byte("abc"), 8192, nil)
	r := serve(t, raw)
	r.ContentLength = -1
	_, err := verifierAt(signTime).Verify(r)
	if k := kindOf(err); k != "MissingDecodedLength" {
		t.Fatalf("Verify(no Content-Length) = %s (%v), want MissingDecodedLength", k, err)
	}
}

// TestChunkedSmallReads reads the published example one byte at a time.
func TestChunkedSmallReads(t *testing.T) {
	key := signingKey(secret, "20130524", "us-east-1", "s3")
	c := sigv4.NewChunkedReader(strings.NewReader(docBody([3]string{docChunk1, docChunk2, docChunk3}, "")),
		sigv4.ChunkedOptions{Chain: &sigv4.Chain{Key: key, Time: docDate, Scope: docScope, Seed: docSeed}, DecodedLength: -1})
	var got bytes.Buffer
	if _, err := io.CopyBuffer(&got, struct{ io.Reader }{c}, make([]byte, 1)); err != nil {
		t.Fatalf("CopyBuffer(ChunkedReader, 1-byte buffer) = %v", err)
	}
	if !bytes.Equal(got.Bytes(), docData) {
		t.Errorf("CopyBuffer(ChunkedReader, 1-byte buffer) = %d bytes", got.Len())
	}
}

// failingReader fails every read with its error.
type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }

// A body whose chunks and trailers are whole but whose connection ends
// short of the Content-Length it declared is cut short: IncompleteBody,
// as a plain body cut short is, never a body taken whole.
func TestChunkedCutAfterTrailers(t *testing.T) {
	body := "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:" + crc32Base64([]byte("hello")) + "\r\n\r\n"
	for _, tc := range []struct {
		name string
		end  error
		want string
	}{{"ending there", io.EOF, "ok"}, {"cut short", io.ErrUnexpectedEOF, "IncompleteBody"}} {
		c := sigv4.NewChunkedReader(io.MultiReader(strings.NewReader(body), failingReader{tc.end}),
			sigv4.ChunkedOptions{Trailer: true, DecodedLength: 5, Trailers: []string{"x-amz-checksum-crc32"}})
		_, err := io.ReadAll(c)
		if got := kindOf(err); got != tc.want {
			t.Errorf("a chunked body %s: %s (%v), want %s", tc.name, got, err, tc.want)
		}
	}
}
