package s3api

import (
	"encoding/base64"
	"encoding/hex"
	"math/rand"
	"net/http"
	"testing"

	"github.com/trustgate/trustgate"
)

// The CRC of a body is its parts' CRCs combined, for every CRC S3 takes
// and parts of any length, an empty one included (note 64).
func TestCRCCombine(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, alg := range checksumAlgorithms {
		if alg.crc == nil {
			continue
		}
		for _, sizes := range [][]int{{1, 1}, {9, 0}, {0, 7}, {5 << 10, 3}, {1000, 70000, 1}} {
			var whole []byte
			var combined uint64
			for i, n := range sizes {
				part := make([]byte, n)
				rng.Read(part)
				whole = append(whole, part...)
				crc := crcOf(alg, part)
				if i == 0 {
					combined = crc
				} else {
					combined = alg.crc.combine(combined, crc, int64(n))
				}
			}
			if want := crcOf(alg, whole); combined != want {
				t.Errorf("%s of parts %v: combined %x, want %x", alg.name, sizes, combined, want)
			}
		}
	}
}

// An xxHash checksum is the hash's canonical big-endian bytes: the values
// are those the AWS SDKs' common runtime (awslabs/aws-checksums,
// tests/xxhash_test.c) gives "Hello world" with seed 0 (note 66).
func TestXXHashValues(t *testing.T) {
	for _, c := range []struct{ alg, hex string }{
		{"XXHASH64", "c500b0c912b376d8"},
		{"XXHASH3", "b6acb9d84a38ff74"},
		{"XXHASH128", "7351f89812f97382b91d05b31e04dd7f"},
	} {
		raw, _ := hex.DecodeString(c.hex)
		want := base64.StdEncoding.EncodeToString(raw)
		alg := algorithmNamed(c.alg)
		if got := alg.sumOf([]byte("Hello world")); got != want || !alg.wellFormed(got) {
			t.Errorf("%s of \"Hello world\" = %s; want %s", c.alg, got, want)
		}
	}
}

func crcOf(alg *algorithm, b []byte) uint64 {
	raw, _ := base64.StdEncoding.DecodeString(alg.sumOf(b))
	return crcValue(raw)
}

// An object's COMPOSITE checksum is the checksum of its parts' checksums
// and their count; the values are those S3 gives a one-part upload of
// "123456789". A FULL_OBJECT one is the whole body's.
func TestUploadObjectChecksum(t *testing.T) {
	body := []byte("123456789")
	for _, c := range []struct{ alg, typ, want string }{
		{"CRC32", composite, "7kxlUA==-1"},
		{"CRC32C", composite, "pzJFoA==-1"},
		{"SHA1", composite, "zGcEPHvP9e6lVmvZsfPHT9mlz10=-1"},
		{"SHA256", composite, "KSsNAHVmgy25S/rmic1w0at3KBH9RLn0nYVQ7p6mpJQ=-1"},
		{"CRC32", fullObject, "y/Q5Jg=="},
		{"CRC64NVME", fullObject, "rosUhgp5mIg="},
	} {
		alg := algorithmNamed(c.alg)
		u := &trustgate.Upload{ID: "u", ChecksumAlgorithm: alg.name, ChecksumType: c.typ}
		parts := []*trustgate.Part{{Number: 1, Size: int64(len(body)), Checksum: alg.sumOf(body)}}
		if c.typ == fullObject {
			// In two parts, so that the CRCs are combined.
			parts = []*trustgate.Part{{Number: 1, Size: 4, Checksum: alg.sumOf(body[:4])}, {Number: 2, Size: 5, Checksum: alg.sumOf(body[4:])}}
		}
		got, err := uploadObjectChecksum(u, parts)
		if err != nil || got != c.want {
			t.Errorf("%s %s checksum = %q, %v; want %q", c.alg, c.typ, got, err, c.want)
		}
	}
}

// What CreateMultipartUpload takes: a type only with an algorithm, and
// only one the algorithm has (note 64).
func TestUploadChecksum(t *testing.T) {
	for _, c := range []struct {
		alg, typ          string
		wantAlg, wantType string
		wantErr           string
	}{
		{"", "", "", "", ""},
		{"CRC32", "", "CRC32", composite, ""},
		{"crc64nvme", "", "CRC64NVME", fullObject, ""},
		{"CRC32C", "FULL_OBJECT", "CRC32C", fullObject, ""},
		{"SHA256", "FULL_OBJECT", "", "", "The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm."},
		{"XXHASH128", "", "XXHASH128", composite, ""},
		{"SHA512", "FULL_OBJECT", "", "", "The FULL_OBJECT checksum type cannot be used with the sha512 checksum algorithm."},
		{"CRC64NVME", "COMPOSITE", "", "", "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm."},
		{"MD4", "", "", "", "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256, SHA512, MD5, XXHASH64, XXHASH3, XXHASH128]"},
		{"", "COMPOSITE", "", "", "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header."},
		{"CRC32", "PARTIAL", "", "", "Value for x-amz-checksum-type header is invalid."},
	} {
		h := http.Header{}
		if c.alg != "" {
			h.Set("x-amz-checksum-algorithm", c.alg)
		}
		if c.typ != "" {
			h.Set("x-amz-checksum-type", c.typ)
		}
		alg, typ, err := uploadChecksum(h)
		switch {
		case c.wantErr != "":
			if err == nil || err.Message != c.wantErr || err.Code != "InvalidRequest" {
				t.Errorf("%s/%s: %v; want InvalidRequest %q", c.alg, c.typ, err, c.wantErr)
			}
		case err != nil:
			t.Errorf("%s/%s: %v", c.alg, c.typ, err)
		case c.wantAlg == "" && alg != nil, c.wantAlg != "" && (alg == nil || alg.name != c.wantAlg), typ != c.wantType:
			t.Errorf("%s/%s = %v %q; want %s %q", c.alg, c.typ, alg, typ, c.wantAlg, c.wantType)
		}
	}
}
