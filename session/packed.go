package session

import (
	"bytes"
	"encoding/json"

	"github.com/trustgate/trustgate"
)

// Limits of STS on session policies and session tags (AssumeRole,
// GetFederationToken), from the STS API Reference (AssumeRole: Policy,
// PolicyArns, Tags; Tag: Key, Value). Checking them is the caller's job;
// the packed size is a further limit (see PackedPolicySize).
const (
	// MaxSessionPolicyChars bounds the plaintext of the inline session
	// policy and the managed policy ARNs together.
	MaxSessionPolicyChars = 2048
	MaxPolicyARNs         = 10
	MaxSessionTags        = 50
	MaxTagKeyChars        = 128
	MaxTagValueChars      = 256
)

// packedBudget is the packed space, in bytes of DEFLATE output, that
// PackedPolicySize counts against. The STS API Reference's AssumeRole and
// GetFederationToken examples (a 102-character s3:* policy and two or
// three short tags) report 8 percent; any budget from 1,725 to 1,970 bytes
// gives that, and this one is round within it.
const packedBudget = 1800

// PackedPolicySize is the percentage of STS's packed space that the inline
// session policy, managed session policy ARNs and session tags take, as
// AssumeRole and GetFederationToken report it in PackedPolicySize; STS
// refuses a session over 100 with PackedPolicyTooLarge. It is 0 when there
// is nothing to pack.
//
// AWS documents that it compresses the policy, the ARNs and the tags into
// a packed binary format with a separate limit, so that a request within
// the plaintext limits may still be too large, but documents neither the
// format nor the limit. This is an approximation: the policy (without
// insignificant whitespace, when it is JSON), the ARNs and the tags' keys
// and values are joined with NUL separators and compressed with DEFLATE
// (best compression), and the compressed size is taken as a share of a
// budget of 1,800 bytes, rounded up. So, as in AWS, repetitive text packs
// small and varied text large: a typical 2,048-character policy takes 25
// to 30 percent, 50 short tags about 12, 2,048 random characters 87, five
// tags of 128 + 256 random characters 82, and ten of them do not fit. Transitive tag keys do not count, as AWS documents. To tell
// the tags' share from the policies' (AWS's message names the one that is
// over), call it with the tags alone.
func PackedPolicySize(policy string, policyARNs []string, tags []trustgate.Tag) int {
	if policy == "" && len(policyARNs) == 0 && len(tags) == 0 {
		return 0
	}
	var b bytes.Buffer
	if json.Compact(&b, []byte(policy)) != nil {
		b.Reset()
		b.WriteString(policy)
	}
	b.WriteByte(0)
	for _, a := range policyARNs {
		b.WriteString(a)
		b.WriteByte(0)
	}
	for _, t := range tags {
		b.WriteString(t.Key)
		b.WriteByte(0)
		b.WriteString(t.Value)
		b.WriteByte(0)
	}
	n := len(deflate(b.Bytes()))
	return (n*100 + packedBudget - 1) / packedBudget
}
