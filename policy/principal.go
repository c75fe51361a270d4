package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/trustgate/trustgate/arn"
)

// CallerKind is the kind of principal that makes a request.
type CallerKind uint8

const (
	Anonymous     CallerKind = iota // an unsigned request
	Root                            // an account's root user
	User                            // an IAM user
	AssumedRole                     // a role session from AssumeRole and friends
	FederatedUser                   // a session from GetFederationToken
	Service                         // an AWS service acting on its own behalf
)

var callerKindNames = [...]string{"Anonymous", "Root", "User", "AssumedRole", "FederatedUser", "Service"}

func (k CallerKind) String() string {
	if int(k) < len(callerKindNames) {
		return callerKindNames[k]
	}
	return fmt.Sprintf("CallerKind(%d)", k)
}

// Caller is the principal of a request, as the Principal element of a
// resource-based policy sees it.
type Caller struct {
	Kind    CallerKind
	Account string // the caller's account id; empty when anonymous
	// ARN is the caller itself: a user's ARN, an assumed-role session's
	// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, a root ARN, ...
	ARN string
	// IssuerARN is what the caller's session was made from: the role
	// (arn:aws:iam::ACCOUNT:role/ROLE) of an assumed-role session, or the
	// IAM user behind a federated-user session.
	IssuerARN string
	// ServiceName is the service principal, as ec2.amazonaws.com, for
	// Kind Service.
	ServiceName string
	// Federated is the identity provider a web-identity or SAML session
	// came from, matched by "Federated" principals.
	Federated string
}

// CanonicalUserID is the 64-hex-digit canonical user id S3 shows for an
// account (the Owner ID of its buckets and objects), which a bucket
// policy's "CanonicalUser" principal names the account by.
func CanonicalUserID(account string) string {
	sum := sha256.Sum256([]byte("trustgate canonical user " + account))
	return hex.EncodeToString(sum[:])
}

// PrincipalMatch says how a statement's Principal named the caller; the
// evaluation logic treats a grant to an account differently from a grant
// to the caller itself.
type PrincipalMatch uint8

const (
	NoMatch PrincipalMatch = iota
	// AccountMatch: the caller's account was named (an account id or its
	// root ARN). Within the account this delegates to its IAM policies.
	AccountMatch
	// IssuerMatch: the role (or IAM user) the caller's session came from
	// was named.
	IssuerMatch
	// DirectMatch: the caller itself was named, or everyone ("*").
	DirectMatch
)

var principalMatchNames = [...]string{"NoMatch", "AccountMatch", "IssuerMatch", "DirectMatch"}

func (m PrincipalMatch) String() string {
	if int(m) < len(principalMatchNames) {
		return principalMatchNames[m]
	}
	return fmt.Sprintf("PrincipalMatch(%d)", m)
}

// Principals is a compiled Principal or NotPrincipal element.
type Principals struct {
	Any       bool                // "*" or {"AWS": "*"}
	AWS       []string            // account ids, and ARNs of roots, users, roles and sessions
	Service   []string            // service principals
	Federated []string            // identity providers
	Canonical []string            // S3 canonical user ids
	Raw       map[string][]string // the element as written, by principal type
}

// match reports how p names the caller.
func (p *Principals) match(c *Caller) PrincipalMatch {
	if p.Any {
		return DirectMatch
	}
	if c == nil {
		return NoMatch
	}
	best := NoMatch
	switch c.Kind {
	case Service:
		for _, s := range p.Service {
			if s == c.ServiceName {
				return DirectMatch
			}
		}
		return NoMatch
	case Anonymous:
		return NoMatch
	}
	for _, v := range p.AWS {
		switch {
		case v == c.ARN:
			return DirectMatch
		case c.IssuerARN != "" && v == c.IssuerARN:
			best = max(best, IssuerMatch)
		case v == c.Account:
			best = max(best, AccountMatch)
		}
	}
	if c.Federated != "" {
		for _, f := range p.Federated {
			if f == c.Federated {
				return DirectMatch
			}
		}
	}
	if len(p.Canonical) > 0 && c.Account != "" {
		// A canonical user id names the account, as its id does.
		id := CanonicalUserID(c.Account)
		for _, cu := range p.Canonical {
			if cu == id {
				best = max(best, AccountMatch)
			}
		}
	}
	return best
}

// principalTypes are the keys a Principal object may have.
var principalTypes = map[string]bool{"AWS": true, "Service": true, "Federated": true, "CanonicalUser": true}

// compilePrincipals reads a Principal or NotPrincipal element.
func compilePrincipals(v any, kind Kind) (*Principals, error) {
	p := &Principals{Raw: map[string][]string{}}
	if s, ok := v.(string); ok {
		if s != "*" {
			return nil, malformed("Invalid principal in policy: %q", s)
		}
		p.Any = true
		p.Raw["*"] = []string{"*"}
		return p, nil
	}
	obj, ok := v.(map[string]any)
	if !ok || len(obj) == 0 {
		return nil, malformed("Invalid principal in policy: the Principal element must be \"*\" or an object such as {\"AWS\": \"arn:aws:iam::111122223333:root\"}")
	}
	for _, typ := range sortedKeys(obj) {
		raw := obj[typ]
		if !principalTypes[typ] {
			return nil, malformed("Invalid principal in policy: unknown principal type %q; use AWS, Service, Federated or CanonicalUser", typ)
		}
		values, err := stringList(raw)
		if err != nil || len(values) == 0 {
			return nil, malformed("Invalid principal in policy: %q must be a string or a list of strings", typ)
		}
		p.Raw[typ] = values
		for _, value := range values {
			if err := p.add(typ, value, kind); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

func (p *Principals) add(typ, value string, kind Kind) error {
	invalid := func(hint string) error {
		msg := fmt.Sprintf("Invalid principal in policy: %q:%q", typ, value)
		if hint != "" {
			msg += " (" + hint + ")"
		}
		return &Error{Kind: ErrMalformed, Message: msg}
	}
	switch typ {
	case "AWS":
		if value == "*" {
			p.Any = true
			return nil
		}
		if arn.IsAccountID(value) {
			p.AWS = append(p.AWS, value)
			return nil
		}
		if isUniqueID(value) {
			// IAM keeps a deleted principal as its unique id; it
			// matches nothing any more.
			p.AWS = append(p.AWS, value)
			return nil
		}
		a, ok := arn.Split(value)
		if !ok {
			return invalid("name an account id, or the ARN of an account root, user, role or role session")
		}
		if strings.ContainsAny(value, "*?") {
			return invalid("a principal ARN cannot contain wildcards; use \"*\" with a condition on aws:PrincipalArn")
		}
		if !arn.IsAccountID(a.Account) {
			return invalid("the account must be a 12-digit id")
		}
		switch {
		case a.Service == "iam" && a.Resource == "root":
			p.AWS = append(p.AWS, a.Account) // the account itself
			return nil
		case a.Service == "iam" && (strings.HasPrefix(a.Resource, "user/") || strings.HasPrefix(a.Resource, "role/")):
			p.AWS = append(p.AWS, value)
			return nil
		case a.Service == "sts" && (strings.HasPrefix(a.Resource, "assumed-role/") && strings.Count(a.Resource, "/") >= 2 ||
			strings.HasPrefix(a.Resource, "federated-user/")):
			p.AWS = append(p.AWS, value)
			return nil
		case a.Service == "iam" && strings.HasPrefix(a.Resource, "group/"):
			return invalid("an IAM group cannot be a principal; name the account, or the users or roles")
		}
		return invalid("name an account id, or the ARN of an account root, user, role or role session")
	case "Service":
		if value == "" || strings.ContainsAny(value, " /:") {
			return invalid("a service principal looks like ec2.amazonaws.com")
		}
		p.Service = append(p.Service, value)
	case "Federated":
		if value == "" {
			return invalid("")
		}
		p.Federated = append(p.Federated, value)
	case "CanonicalUser":
		if kind != Resource {
			return invalid("CanonicalUser is only valid in S3 bucket policies")
		}
		if len(value) != 64 || strings.Trim(strings.ToLower(value), "0123456789abcdef") != "" {
			return invalid("a canonical user id is 64 hexadecimal characters")
		}
		p.Canonical = append(p.Canonical, strings.ToLower(value))
	}
	return nil
}

// isUniqueID reports whether s looks like an IAM unique id (AIDA..., AROA...).
func isUniqueID(s string) bool {
	if len(s) < 16 || len(s) > 128 {
		return false
	}
	switch s[:4] {
	case "AIDA", "AROA", "AGPA", "ANPA", "AIPA":
	default:
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
