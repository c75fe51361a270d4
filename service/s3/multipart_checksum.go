package s3api

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/trustgate/trustgate"
)

// The checksums of multipart uploads (note 64). An upload created with
// x-amz-checksum-algorithm has every part carry that checksum; its object
// gets a COMPOSITE checksum, the algorithm's checksum of the parts'
// checksums with "-" and their count after it, or a FULL_OBJECT one, the
// CRC of the whole body, combined from the parts' CRCs.

// uploadChecksum reads the checksum algorithm and type a
// CreateMultipartUpload asks for; none for an upload without checksums.
func uploadChecksum(h http.Header) (alg *algorithm, typ string, err *Error) {
	name, typ := h.Get("x-amz-checksum-algorithm"), strings.ToUpper(h.Get("x-amz-checksum-type"))
	if name == "" {
		if typ != "" {
			return nil, "", errorf(http.StatusBadRequest, "InvalidRequest", "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")
		}
		return nil, "", nil
	}
	if alg = algorithmNamed(name); alg == nil {
		return nil, "", unsupportedAlgorithm()
	}
	switch typ {
	case "":
		typ = alg.defaultType()
	case composite, fullObject:
		if !alg.allows(typ) {
			return nil, "", errorf(http.StatusBadRequest, "InvalidRequest", "The %s checksum type cannot be used with the %s checksum algorithm.", typ, alg.header)
		}
	default:
		return nil, "", errorf(http.StatusBadRequest, "InvalidRequest", "Value for x-amz-checksum-type header is invalid.")
	}
	return alg, typ, nil
}

// checksumMismatch refuses a checksum of another algorithm than the
// upload's (the lower-case names, "null" for none, as S3 writes them).
func checksumMismatch(expected, actual string) *Error {
	return errorf(http.StatusBadRequest, "InvalidRequest", "Checksum Type mismatch occurred, expected checksum Type: %s, actual checksum Type: %s", expected, actual)
}

// uploadAlgorithm is the algorithm of an upload's checksums; nil when it
// has none.
func uploadAlgorithm(u *trustgate.Upload) *algorithm {
	if u.ChecksumAlgorithm == "" {
		return nil
	}
	return algorithmNamed(u.ChecksumAlgorithm)
}

// partAlgorithm is the algorithm of the checksum each part of the upload
// keeps: the upload's, or for an upload created without one S3's default
// CRC64NVME, kept so that the completion can answer with the object's
// (note 66).
func partAlgorithm(u *trustgate.Upload) *algorithm {
	if alg := uploadAlgorithm(u); alg != nil {
		return alg
	}
	return defaultChecksum
}

// partChecksums are the checksums an UploadPart computes over its body,
// and of them the one the part keeps: those the request sent, which for
// an upload with an algorithm must be of that one. A part of a
// FULL_OBJECT upload may come without it, as S3 then computes it itself;
// a COMPOSITE upload's may not. A part of an upload without an algorithm
// keeps the default checksum, and answers with it when it was sent with
// none.
func partChecksums(u *trustgate.Upload, h http.Header) (sums []*checksum, kept *checksum, err *Error) {
	sums, err = requestChecksums(h)
	if err != nil {
		return nil, nil, err
	}
	alg := uploadAlgorithm(u)
	if alg == nil {
		if len(sums) > 0 && sums[0].algorithm == defaultChecksum {
			return sums, sums[0], nil
		}
		kept = defaultChecksum.computing()
		kept.unanswered = len(sums) > 0
		return append(sums, kept), kept, nil
	}
	switch {
	case len(sums) == 0 && u.ChecksumType == fullObject:
		kept = alg.computing()
		return []*checksum{kept}, kept, nil
	case len(sums) == 0:
		return nil, nil, checksumMismatch(alg.header, "null")
	case sums[0].algorithm != alg:
		return nil, nil, checksumMismatch(alg.header, sums[0].header)
	}
	return sums, sums[0], nil
}

// completedPart is a part as CompleteMultipartUpload lists it.
type completedPart struct {
	PartNumber int
	ETag       string
	checksumElements
}

// checksum is the checksum the part is listed with and its algorithm; nil
// for none, and an error for more than one or a malformed one.
func (p *completedPart) checksum() (*algorithm, string, *Error) {
	var found *algorithm
	var value, all string
	count := 0
	for i, f := range p.fields() {
		if *f == "" {
			continue
		}
		a := checksumAlgorithms[i]
		all += a.name + ":" + *f + ";"
		found, value, count = a, *f, count+1
	}
	if count == 0 {
		return nil, "", nil
	}
	if count > 1 || !found.wellFormed(value) {
		return nil, "", errorf(http.StatusBadRequest, "InvalidArgument", "Invalid Base64 or multiple checksums present in request").
			with("ArgumentName", "Checksum").with("ArgumentValue", all)
	}
	return found, value, nil
}

// checkPartChecksum checks the checksum a completed part is listed with
// against the part's: none at all, or the upload's algorithm with the
// part's value. A part of a COMPOSITE upload must be listed with it.
func checkPartChecksum(u *trustgate.Upload, listed *completedPart, p *trustgate.Part, invalidPart *Error) *Error {
	alg, value, err := listed.checksum()
	if err != nil {
		return err
	}
	want := uploadAlgorithm(u)
	switch {
	case alg == nil && want != nil && u.ChecksumType == composite:
		return errorf(http.StatusBadRequest, "InvalidRequest",
			"The upload was created using a %s checksum. The complete request must include the checksum for each part. It was missing for part %d in the request.",
			want.header, listed.PartNumber)
	case alg == nil:
		return nil
	case alg != want || value != p.Checksum:
		return invalidPart
	}
	return nil
}

// uploadObjectChecksum is the checksum of the object made of parts, of
// the upload's algorithm and type: COMPOSITE, the checksum of the parts'
// raw checksums, then "-" and how many; FULL_OBJECT, the CRC of the whole
// body. For an upload created without an algorithm it is the default
// checksum's, FULL_OBJECT, which the completion answers with but the
// object does not keep (note 66); empty when a part has none, as parts
// recorded before trustgate kept it have not.
func uploadObjectChecksum(u *trustgate.Upload, parts []*trustgate.Part) (string, error) {
	alg := partAlgorithm(u)
	typ := u.ChecksumType
	if uploadAlgorithm(u) == nil {
		typ = fullObject
		for _, p := range parts {
			if p.Checksum == "" {
				return "", nil
			}
		}
	}
	raw := make([][]byte, len(parts))
	for i, p := range parts {
		b, ok := alg.decode(p.Checksum)
		if !ok {
			return "", fmt.Errorf("upload %s part %d: stored checksum %q is no %s", u.ID, p.Number, p.Checksum, alg.name)
		}
		raw[i] = b
	}
	if typ == composite {
		h := alg.new()
		for _, b := range raw {
			h.Write(b)
		}
		return base64.StdEncoding.EncodeToString(h.Sum(nil)) + "-" + strconv.Itoa(len(parts)), nil
	}
	var whole uint64
	for i, b := range raw {
		crc := crcValue(b)
		if i == 0 {
			whole = crc
			continue
		}
		whole = alg.crc.combine(whole, crc, parts[i].Size)
	}
	out := make([]byte, alg.crc.width/8)
	if alg.crc.width == 32 {
		binary.BigEndian.PutUint32(out, uint32(whole))
	} else {
		binary.BigEndian.PutUint64(out, whole)
	}
	return base64.StdEncoding.EncodeToString(out), nil
}

// crcValue reads a CRC as its checksum's bytes give it, big-endian.
func crcValue(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// checkObjectChecksum checks the checksum of the whole object a
// CompleteMultipartUpload may send in x-amz-checksum-*, and the type in
// x-amz-checksum-type, against the object's. A COMPOSITE value may leave
// out its part count; one that gives it must give the right one.
func checkObjectChecksum(h http.Header, u *trustgate.Upload, value string) *Error {
	if typ := h.Get("x-amz-checksum-type"); typ != "" && !strings.EqualFold(typ, u.ChecksumType) {
		return errorf(http.StatusBadRequest, "BadDigest", "The checksum type you specified (%s) is not the one the upload was created with (%s).", typ, orNull(u.ChecksumType))
	}
	want := uploadAlgorithm(u)
	for _, a := range checksumAlgorithms {
		sent := h.Get("x-amz-checksum-" + a.header)
		if sent == "" {
			continue
		}
		if a != want {
			return checksumMismatch(orNull(strings.ToLower(u.ChecksumAlgorithm)), a.header)
		}
		sum, count, counted := strings.Cut(sent, "-")
		n, nerr := strconv.Atoi(count)
		if !a.wellFormed(sum) || (counted && (nerr != nil || n < 1 || u.ChecksumType != composite)) {
			return errorf(http.StatusBadRequest, "InvalidRequest", "Value for x-amz-checksum-%s header is invalid.", a.header)
		}
		got, gotCount, _ := strings.Cut(value, "-")
		if sum != got || (counted && count != gotCount) {
			return errorf(http.StatusBadRequest, "BadDigest", "The %s you specified did not match the calculated checksum.", a.header)
		}
	}
	return nil
}

func orNull(s string) string {
	if s == "" {
		return "null"
	}
	return s
}
