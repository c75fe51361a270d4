package sigv4

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Limits that keep an aws-chunked decoder in constant memory.
const (
	maxChunkLine    = 4096      // one "size;chunk-signature=..." line
	maxTrailerBytes = 16 << 10  // all trailing headers together
	chunkBufferSize = 32 << 10  // read buffer
	maxChunkSize    = 1<<62 - 1 // keeps sizes and sums from overflowing
)

// MinChunkSize is the smallest chunk S3 takes but for the last of a body.
const MinChunkSize = 8192

// Chain is what the chunk signatures of a signed aws-chunked body chain
// from: the request's signing key, time and scope, and its own signature
// (the seed).
type Chain struct {
	Key   []byte // the signing key (see SigningKey)
	Time  string // X-Amz-Date, ISO 8601 basic format
	Scope string // date/region/service/aws4_request
	Seed  string // the request's signature, hex
}

// ChunkedOptions says what an aws-chunked body must look like.
type ChunkedOptions struct {
	// Chain verifies each chunk's signature, and the trailer signature when
	// Trailer is set; nil for STREAMING-UNSIGNED-PAYLOAD-TRAILER.
	Chain *Chain
	// Trailer is set when trailing headers follow the last chunk.
	Trailer bool
	// DecodedLength is x-amz-decoded-content-length; -1 when unknown.
	DecodedLength int64
	// Trailers are the names x-amz-trailer promised, lower-case. When not
	// nil, the trailing headers must be exactly these.
	Trailers []string
}

// ChunkedReader decodes an aws-chunked body,
//
//	hex-size;chunk-signature=sig\r\n data \r\n ... 0;chunk-signature=sig\r\n [trailers] \r\n
//
// verifying each chunk's signature, chained from the seed as in the S3
// documentation ("Signature Calculations for the Authorization Header:
// Transferring Payload in Multiple Chunks"), and the trailer signature of
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER; every chunk but the last,
// signed or not, must have MinChunkSize bytes or more. It streams in constant
// memory. A chunk's bytes are verified before the Read that completes the
// chunk returns; a failure is a *Error, and what was read before it must
// be discarded.
type ChunkedReader struct {
	src  io.Reader
	br   *bufio.Reader
	opts ChunkedOptions

	mac  hash.Hash // HMAC with the signing key; nil when unsigned
	sum  hash.Hash // SHA-256 of the current chunk
	prev string    // the previous signature in the chain
	sig  string    // the current chunk's claimed signature

	inChunk bool
	left    int64 // bytes left in the current chunk
	n       int64 // payload bytes decoded so far
	chunks  int   // data chunks begun so far
	last    int64 // the size of the last of them
	done    bool

	trailers http.Header
	err      error
}

// NewChunkedReader returns a decoder of the aws-chunked body.
func NewChunkedReader(body io.Reader, o ChunkedOptions) *ChunkedReader {
	c := &ChunkedReader{src: body, br: bufio.NewReaderSize(body, chunkBufferSize), opts: o}
	if o.Chain != nil {
		c.mac = hmac.New(sha256.New, o.Chain.Key)
		c.sum = sha256.New()
		c.prev = o.Chain.Seed
	}
	return c
}

// Trailers returns the trailing headers once the body has been read to
// its end, and nil before.
func (c *ChunkedReader) Trailers() http.Header {
	if !c.done {
		return nil
	}
	return c.trailers
}

// Close closes the underlying body when it is an io.Closer.
func (c *ChunkedReader) Close() error {
	if cl, ok := c.src.(io.Closer); ok {
		return cl.Close()
	}
	return nil
}

// Read yields decoded payload bytes.
func (c *ChunkedReader) Read(p []byte) (int, error) {
	for {
		if c.err != nil {
			return 0, c.err
		}
		if c.done {
			return 0, io.EOF
		}
		if !c.inChunk {
			c.err = c.startChunk()
			continue
		}
		if len(p) == 0 {
			return 0, nil
		}
		q := p
		if int64(len(q)) > c.left {
			q = q[:c.left]
		}
		n, err := c.br.Read(q)
		if n > 0 {
			c.left -= int64(n)
			c.n += int64(n)
			if c.sum != nil {
				c.sum.Write(q[:n])
			}
			if c.left == 0 {
				// Verify the chunk before handing over its last bytes, and if
				// that was all the payload, the final chunk and trailers too:
				// a caller that stops at the decoded length has then still
				// had everything checked.
				if c.err = c.endChunk(); c.err == nil && c.opts.DecodedLength >= 0 && c.n == c.opts.DecodedLength {
					c.err = c.startChunk()
				}
				if c.err != nil {
					return 0, c.err
				}
			}
			return n, nil
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			c.err = c.fail(IncompleteBody, "the body ended inside a chunk", nil)
		} else if err != nil {
			c.err = c.fail(IncompleteBody, "reading the body", err)
		}
	}
}

func (c *ChunkedReader) fail(k Kind, detail string, err error) *Error {
	return &Error{Kind: k, Detail: "aws-chunked: " + detail, Err: err}
}

// readLine reads one line of at most max bytes and returns it without its
// "\r\n" (or, when lenient, a bare "\n"). It reports io.EOF only when the
// body ends exactly at a line boundary.
func (c *ChunkedReader) readLine(lenient bool) ([]byte, error) {
	line, err := c.br.ReadSlice('\n')
	switch {
	case err == bufio.ErrBufferFull || len(line) > maxChunkLine:
		return nil, c.fail(ChunkMalformed, "line too long", nil)
	case err == io.EOF && len(line) == 0:
		return nil, io.EOF
	case err == io.EOF:
		return nil, c.fail(IncompleteBody, "the body ended inside a chunk header", nil)
	case err != nil:
		return nil, c.fail(IncompleteBody, "reading the body", err)
	}
	line = line[:len(line)-1]
	if l := len(line); l > 0 && line[l-1] == '\r' {
		return line[:l-1], nil
	}
	if lenient {
		return line, nil
	}
	return nil, c.fail(ChunkMalformed, "a chunk header must end in CRLF", nil)
}

// startChunk reads a chunk header; a zero-size chunk ends the payload.
func (c *ChunkedReader) startChunk() error {
	line, err := c.readLine(false)
	if err == io.EOF {
		return c.fail(IncompleteBody, "the body ended before its final chunk", nil)
	}
	if err != nil {
		return err
	}
	sizeHex, ext, hasExt := bytes.Cut(line, []byte(";"))
	size, ok := parseHexSize(sizeHex)
	if !ok {
		return c.fail(ChunkMalformed, "bad chunk size "+strconv.Quote(string(sizeHex)), nil)
	}
	if c.mac != nil {
		sig, ok := bytes.CutPrefix(ext, []byte("chunk-signature="))
		if !hasExt || !ok || !isSHA256Hex(string(sig)) {
			return c.fail(ChunkMalformed, "a signed chunk needs chunk-signature=<64 hex digits>", nil)
		}
		c.sig = string(sig)
	}
	if size > 0 {
		if c.chunks > 0 && c.last < MinChunkSize {
			e := c.fail(ChunkTooSmall, "a chunk before the last is under 8 KiB", nil)
			e.Chunk, e.BadChunkSize = c.chunks+1, c.last
			return e
		}
		c.chunks, c.last = c.chunks+1, size
	}
	if c.opts.DecodedLength >= 0 && size > c.opts.DecodedLength-c.n {
		return c.fail(ChunkMalformed, "chunks longer than x-amz-decoded-content-length", nil)
	}
	if c.sum != nil {
		c.sum.Reset()
	}
	if size > 0 {
		c.inChunk, c.left = true, size
		return nil
	}
	if err := c.verifyChunk(); err != nil {
		return err
	}
	if c.opts.DecodedLength >= 0 && c.n != c.opts.DecodedLength {
		return c.fail(IncompleteBody, "the body is shorter than x-amz-decoded-content-length", nil)
	}
	if c.opts.Trailer {
		err = c.readTrailers()
	} else {
		// The final CRLF; a body that ends right after the last chunk
		// header is accepted too.
		line, err = c.readLine(false)
		if err == io.EOF {
			err = nil
		} else if err == nil && len(line) != 0 {
			err = c.fail(ChunkMalformed, "data after the final chunk", nil)
		}
	}
	if err != nil {
		return err
	}
	if _, err := c.br.Peek(1); err != io.EOF {
		return c.fail(ChunkMalformed, "data after the end of the aws-chunked body", nil)
	}
	c.done = true
	return nil
}

// endChunk reads the CRLF after a chunk's data and verifies the chunk.
func (c *ChunkedReader) endChunk() error {
	c.inChunk = false
	var crlf [2]byte
	if _, err := io.ReadFull(c.br, crlf[:]); err != nil {
		return c.fail(IncompleteBody, "the body ended after a chunk's data", nil)
	}
	if crlf != [2]byte{'\r', '\n'} {
		return c.fail(ChunkMalformed, "a chunk's data must be followed by CRLF", nil)
	}
	return c.verifyChunk()
}

// verifyChunk checks the current chunk's signature and moves the chain on.
func (c *ChunkedReader) verifyChunk() error {
	if c.mac == nil {
		return nil
	}
	var b strings.Builder
	ch := c.opts.Chain
	b.Grow(200 + 2*len(c.prev))
	b.WriteString("AWS4-HMAC-SHA256-PAYLOAD\n")
	b.WriteString(ch.Time)
	b.WriteByte('\n')
	b.WriteString(ch.Scope)
	b.WriteByte('\n')
	b.WriteString(c.prev)
	b.WriteByte('\n')
	b.WriteString(emptySHA256)
	b.WriteByte('\n')
	var sum [sha256.Size]byte
	b.WriteString(hex.EncodeToString(c.sum.Sum(sum[:0])))
	if !c.check(b.String(), c.sig) {
		return &Error{Kind: SignatureMismatch, Detail: "aws-chunked: chunk signature does not match",
			StringToSign: b.String(), SignatureProvided: c.sig}
	}
	c.prev = c.sig
	return nil
}

func (c *ChunkedReader) check(stringToSign, sig string) bool {
	c.mac.Reset()
	c.mac.Write([]byte(stringToSign))
	var sum [sha256.Size]byte
	var want [2 * sha256.Size]byte
	hex.Encode(want[:], c.mac.Sum(sum[:0]))
	return hmac.Equal(want[:], []byte(sig))
}

// readTrailers reads "name:value" lines up to an empty line (or the end of
// the body), verifies x-amz-trailer-signature when the chunks are signed,
// and holds the names to the ones x-amz-trailer promised.
func (c *ChunkedReader) readTrailers() error {
	c.trailers = http.Header{}
	canonical := sha256.New()
	var sig string
	total := 0
	for {
		line, err := c.readLine(true)
		if err == io.EOF {
			break
		}
		if err != nil {
			if e, ok := err.(*Error); ok && e.Kind == ChunkMalformed {
				e.Kind = TrailerMalformed
			}
			return err
		}
		if total += len(line); total > maxTrailerBytes {
			return c.fail(TrailerMalformed, "trailing headers too long", nil)
		}
		if len(line) == 0 {
			// An empty line ends the trailers; some clients put one between
			// the checksum and its signature, so go on if more follows.
			if _, err := c.br.Peek(1); err == io.EOF {
				break
			} else if err != nil {
				// A body cut short of its declared length after the
				// trailers is cut short all the same.
				return c.fail(IncompleteBody, "the body ended before its declared length", err)
			}
			continue
		}
		if sig != "" {
			return c.fail(TrailerMalformed, "x-amz-trailer-signature must come last", nil)
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || len(bytes.TrimSpace(name)) == 0 {
			return c.fail(TrailerMalformed, "a trailing header must be name:value", nil)
		}
		n := strings.ToLower(string(bytes.TrimSpace(name)))
		v := string(bytes.Trim(value, " \t"))
		if n == "x-amz-trailer-signature" {
			if c.mac == nil {
				return c.fail(TrailerMalformed, "a trailer signature on unsigned chunks", nil)
			}
			if sig = v; sig == "" {
				return c.fail(TrailerMalformed, "an empty trailer signature", nil)
			}
			continue
		}
		c.trailers[http.CanonicalHeaderKey(n)] = append(c.trailers[http.CanonicalHeaderKey(n)], v)
		canonical.Write([]byte(n))
		canonical.Write([]byte{':'})
		canonical.Write([]byte(v))
		canonical.Write([]byte{'\n'})
	}
	if c.opts.Trailers != nil {
		for _, want := range c.opts.Trailers {
			if c.trailers.Get(want) == "" {
				return c.fail(TrailerMalformed, "the trailing header "+want+" that x-amz-trailer promised is missing", nil)
			}
		}
		for k := range c.trailers {
			if !slices.Contains(c.opts.Trailers, strings.ToLower(k)) {
				return c.fail(TrailerMalformed, "the trailing header "+strings.ToLower(k)+" was not promised in x-amz-trailer", nil)
			}
		}
	}
	if c.mac == nil {
		return nil
	}
	if sig == "" {
		return c.fail(TrailerMalformed, "the trailing headers are not signed", nil)
	}
	var b strings.Builder
	ch := c.opts.Chain
	b.WriteString("AWS4-HMAC-SHA256-TRAILER\n")
	b.WriteString(ch.Time)
	b.WriteByte('\n')
	b.WriteString(ch.Scope)
	b.WriteByte('\n')
	b.WriteString(c.prev)
	b.WriteByte('\n')
	var sum [sha256.Size]byte
	b.WriteString(hex.EncodeToString(canonical.Sum(sum[:0])))
	if !c.check(b.String(), sig) {
		return &Error{Kind: SignatureMismatch, Detail: "aws-chunked: trailer signature does not match",
			StringToSign: b.String(), SignatureProvided: sig}
	}
	return nil
}

func parseHexSize(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 16 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if !isHex(c) {
			return 0, false
		}
		if n > maxChunkSize>>4 {
			return 0, false
		}
		n = n<<4 | int64(unhex(c))
	}
	return n, true
}
