package s3api

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"net/http"
	"strings"
)

// The flexible checksums S3 takes with a body, by the lower-case suffix of
// their header (x-amz-checksum-crc32, ...), and the names its messages
// give them.
var checksumAlgorithms = []struct {
	header, name string
	new          func() hash.Hash
}{
	{"crc32", "CRC32", func() hash.Hash { return crc32.NewIEEE() }},
	{"crc32c", "CRC32C", func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) }},
	{"crc64nvme", "CRC64NVME", func() hash.Hash { return crc64.New(crc64NVME) }},
	{"sha1", "SHA1", sha1.New},
	{"sha256", "SHA256", sha256.New},
}

// crc64NVME is the CRC-64/NVME table (polynomial 0xad93d23594c93659,
// reflected), the default checksum of newer SDKs.
var crc64NVME = crc64.MakeTable(0x9a6c9329ac4bc9b5)

// checksum is one checksum a request announced, being computed over the
// body, and the value the client sent (in a header, or later in a
// trailer).
type checksum struct {
	header, name string
	hash         hash.Hash
	sent         string
}

// requestChecksums finds the checksums a PutObject announces, in headers
// or as trailers (x-amz-trailer), and an error for an unknown one.
func requestChecksums(h http.Header) ([]*checksum, *Error) {
	var out []*checksum
	trailer := h.Get("x-amz-trailer")
	trailers := map[string]bool{}
	for _, name := range strings.Split(trailer, ",") {
		trailers[strings.ToLower(strings.TrimSpace(name))] = true
	}
	for _, a := range checksumAlgorithms {
		name := "x-amz-checksum-" + a.header
		sent := h.Get(name)
		if sent == "" && !trailers[name] {
			continue
		}
		c := &checksum{header: a.header, name: a.name, hash: a.new(), sent: sent}
		if sent != "" && !c.wellFormed(sent) {
			return nil, errorf(http.StatusBadRequest, "InvalidRequest", "Value for %s header is invalid.", name)
		}
		out = append(out, c)
	}
	if alg := h.Get("x-amz-sdk-checksum-algorithm"); alg != "" {
		// The SDKs name the algorithm of the checksum they send.
		switch {
		case len(out) == 0:
			return nil, errorf(http.StatusBadRequest, "InvalidRequest", "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.")
		case !strings.EqualFold(out[0].name, alg):
			return nil, errorf(http.StatusBadRequest, "InvalidRequest", "Value for x-amz-sdk-checksum-algorithm header is invalid.")
		}
	}
	if trailer != "" && len(out) == 0 {
		return nil, errorf(http.StatusBadRequest, "InvalidRequest", "The value specified in the x-amz-trailer header is not supported")
	}
	if len(out) > 1 {
		return nil, errorf(http.StatusBadRequest, "InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
	}
	return out, nil
}

// wellFormed tells whether v could be a value of the checksum: the
// base64 of as many bytes as its hash makes. Any other value is refused
// as invalid, not compared (a mismatch is BadDigest).
func (c *checksum) wellFormed(v string) bool {
	b, err := base64.StdEncoding.DecodeString(v)
	return err == nil && len(b) == c.hash.Size()
}

// hasChecksumHeader tells whether the request sends a checksum of its
// body in a header.
func hasChecksumHeader(h http.Header) bool {
	for _, a := range checksumAlgorithms {
		if h.Get("x-amz-checksum-"+a.header) != "" {
			return true
		}
	}
	return false
}

// hashes returns the running hashes of the checksums.
func hashes(cs []*checksum) []hash.Hash {
	var out []hash.Hash
	for _, c := range cs {
		out = append(out, c.hash)
	}
	return out
}

// verify compares each checksum with the value sent, taking trailers into
// account; it returns the headers to store and echo.
func verify(cs []*checksum, trailers http.Header) (map[string]string, *Error) {
	out := map[string]string{}
	for _, c := range cs {
		sent := c.sent
		if sent == "" && trailers != nil {
			sent = trailers.Get("x-amz-checksum-" + c.header)
		}
		if !c.wellFormed(sent) {
			return nil, errorf(http.StatusBadRequest, "InvalidRequest", "Value for x-amz-checksum-%s trailing header is invalid.", c.header)
		}
		got := base64.StdEncoding.EncodeToString(c.hash.Sum(nil))
		if sent != got {
			return nil, errorf(http.StatusBadRequest, "BadDigest", "The %s you specified did not match the calculated checksum.", c.name)
		}
		out["x-amz-checksum-"+c.header] = got
	}
	return out, nil
}

// contentMD5 checks the Content-MD5 header against the body's MD5.
func contentMD5(header string, sum []byte) *Error {
	if header == "" {
		return nil
	}
	want, err := base64.StdEncoding.DecodeString(header)
	if err != nil || len(want) != md5.Size {
		return errorf(http.StatusBadRequest, "InvalidDigest", "The Content-MD5 you specified was invalid.")
	}
	if string(want) != string(sum) {
		return errorf(http.StatusBadRequest, "BadDigest", "The Content-MD5 you specified did not match what we received.")
	}
	return nil
}
