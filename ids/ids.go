// Package ids makes the identifiers AWS hands out, in AWS's shapes:
// 12-digit account ids, access key ids (AKIA long-term, ASIA temporary),
// IAM unique ids (AIDA user, AROA role, AGPA group, ANPA managed policy),
// secret access keys, and Organizations ids.
package ids

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"strconv"
)

// Prefixes of IAM unique ids and access key ids.
const (
	LongTermKey  = "AKIA"
	TemporaryKey = "ASIA"
	User         = "AIDA"
	Role         = "AROA"
	Group        = "AGPA"
	Policy       = "ANPA"
)

const (
	upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" // base32 alphabet, as AWS's ids use
	lowerDigits = "abcdefghijklmnopqrstuvwxyz0123456789"
	digits      = "0123456789"
)

func random(alphabet string, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("ids: no randomness: " + err.Error())
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// Account returns a new 12-digit account id; it never starts with 0.
func Account() string {
	return random("123456789", 1) + random(digits, 11)
}

// Unique returns a unique id with the given prefix, 21 characters in all,
// as AIDAJQABLZS4A3QDU576Q.
func Unique(prefix string) string {
	return prefix + random(upperDigits, 17)
}

// accountBits are where an access key id carries its account: bits 7 to
// 46 of the first six bytes after its prefix, read as one big-endian
// number (keyHead).
const accountBits = 0x7fffffffff80

// keyHead is the first six bytes of b as one big-endian number.
func keyHead(b []byte) uint64 {
	return uint64(b[0])<<40 | uint64(b[1])<<32 | uint64(b[2])<<24 | uint64(b[3])<<16 | uint64(b[4])<<8 | uint64(b[5])
}

// AccessKeyID returns a new access key id with the given prefix (AKIA or
// ASIA), 20 characters in all, that carries the 12-digit account as
// AWS's access key ids do, for AccountOfAccessKey and anyone who decodes
// keys as AWS's are decoded; the rest of it is random.
func AccessKeyID(prefix, account string) string {
	n, err := strconv.ParseUint(account, 10, 64)
	if err != nil || n > accountBits>>7 {
		panic("ids: an access key for account " + strconv.Quote(account) + ", which is not 12 digits")
	}
	var b [10]byte // 16 base32 characters
	if _, err := rand.Read(b[:]); err != nil {
		panic("ids: no randomness: " + err.Error())
	}
	head := keyHead(b[:])&^accountBits | n<<7
	for i := range 6 {
		b[i] = byte(head >> (40 - 8*i))
	}
	return prefix + base32.StdEncoding.EncodeToString(b[:])
}

// AccountOfAccessKey is the account an access key id carries, as AWS's
// ids carry it: false when id is not 4 characters of prefix and 16 of
// base32.
func AccountOfAccessKey(id string) (string, bool) {
	if len(id) != 20 {
		return "", false
	}
	b, err := base32.StdEncoding.DecodeString(id[4:])
	if err != nil {
		return "", false
	}
	return fmt.Sprintf("%012d", keyHead(b)&accountBits>>7), true
}

// SecretAccessKey returns a new 40-character secret access key.
func SecretAccessKey() string {
	b := make([]byte, 30)
	if _, err := rand.Read(b); err != nil {
		panic("ids: no randomness: " + err.Error())
	}
	return base64.StdEncoding.EncodeToString(b)
}

// Organization returns a new organization id, as o-a1b2c3d4e5.
func Organization() string { return "o-" + random(lowerDigits, 10) }

// OrganizationRoot returns a new root id, as r-ab12.
func OrganizationRoot() string { return "r-" + random(lowerDigits, 4) }

// OrganizationalUnit returns a new OU id under the root rootID, as
// ou-ab12-cdefgh34: "ou-", the root id's characters after "r-", "-" and
// 8 of its own.
func OrganizationalUnit(rootID string) string {
	return "ou-" + rootID[len("r-"):] + "-" + random(lowerDigits, 8)
}

// OrganizationPolicy returns a new Organizations policy id, as p-ab12cd34.
func OrganizationPolicy() string { return "p-" + random(lowerDigits, 8) }

// CreateAccountRequest returns a new CreateAccount request id, as
// car-ab12cd34ef56.
func CreateAccountRequest() string { return "car-" + random(lowerDigits, 12) }
