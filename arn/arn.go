// Package arn splits and builds Amazon Resource Names.
//
// An ARN has six colon-separated parts:
//
//	arn:partition:service:region:account-id:resource
//
// The resource part may itself contain colons and slashes. Split never
// allocates, so it can sit on the authorization path.
package arn

import "strings"

// ARN is an Amazon Resource Name split into its parts.
type ARN struct {
	Partition string
	Service   string
	Region    string
	Account   string
	Resource  string
}

// Split parses s into its parts. It reports false when s does not start
// with "arn:" or has fewer than six parts.
func Split(s string) (ARN, bool) {
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return ARN{}, false
	}
	var parts [4]string
	for i := range parts {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return ARN{}, false
		}
		parts[i], rest = rest[:j], rest[j+1:]
	}
	return ARN{
		Partition: parts[0],
		Service:   parts[1],
		Region:    parts[2],
		Account:   parts[3],
		Resource:  rest,
	}, true
}

// String joins the parts back into an ARN.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// IsAccountID reports whether s is a 12-digit AWS account id.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Root is the ARN of an account's root user, the form IAM uses for an
// account named as a principal.
func Root(partition, account string) string {
	return "arn:" + partition + ":iam::" + account + ":root"
}
