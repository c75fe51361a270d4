package s3api

import (
	"net/netip"
	"strings"
	"sync"

	"github.com/trustgate/trustgate/policy"
)

// Whether a bucket policy is public, as S3 defines it for Block Public
// Access and GetBucketPolicyStatus (note 38): it is public when an Allow
// statement grants a wildcard principal ("*", {"AWS": "*"}) without a
// condition that fixes the caller or the request's origin to known
// values. The keys that fix them, and the operators that fix a value
// (exact matches, no wildcards).
var (
	fixingKeys = map[string]bool{
		"aws:sourcearn": true, "aws:sourceowner": true, "aws:sourceaccount": true,
		"aws:sourcevpc": true, "aws:sourcevpce": true,
		"aws:principalorgid": true, "aws:principalaccount": true, "aws:principalarn": true,
		"aws:userid": true, "aws:sourceip": true,
		"s3:x-amz-server-side-encryption-aws-kms-key-id": true,
		// The access point a request came through (note 86).
		"s3:dataaccesspointarn": true, "s3:dataaccesspointaccount": true,
	}
	fixingOperators = map[string]bool{
		"stringequals": true, "stringequalsignorecase": true, "arnequals": true, "arnlike": true, "ipaddress": true,
	}
)

// publicPolicies remembers whether policy documents are public, by
// document and whether it is an access point's.
type publicPolicies struct {
	mu    sync.Mutex
	known map[publicPolicy]bool // guarded by mu
}

type publicPolicy struct {
	doc           string
	onAccessPoint bool
}

// public reports whether doc, a bucket's policy or (onAccessPoint) an
// access point's, is public; a document that does not parse is not.
func (pp *publicPolicies) public(doc string, onAccessPoint bool) bool {
	key := publicPolicy{doc, onAccessPoint}
	pp.mu.Lock()
	public, ok := pp.known[key]
	pp.mu.Unlock()
	if ok {
		return public
	}
	p, err := policy.Parse(doc, policy.Resource)
	public = err == nil && grantsPublic(p, onAccessPoint)
	pp.mu.Lock()
	if pp.known == nil || len(pp.known) >= 1000 {
		pp.known = map[publicPolicy]bool{} // a full cache starts over
	}
	pp.known[key] = public
	pp.mu.Unlock()
	return public
}

// isPublic reports whether a bucket policy grants public access.
func isPublic(p *policy.Policy) bool { return grantsPublic(p, false) }

// isPublicAccessPoint reports whether an access point's policy grants
// public access. The keys of the access point a request came through
// fix nothing in its own policy, where they hold for every request.
func isPublicAccessPoint(p *policy.Policy) bool { return grantsPublic(p, true) }

func grantsPublic(p *policy.Policy, onAccessPoint bool) bool {
	for _, st := range p.Statements {
		if st.Effect != policy.Allow || st.Principal == nil {
			continue
		}
		if !st.NotPrincipal && !st.Principal.Any {
			continue
		}
		if !fixed(st.Conditions, onAccessPoint) {
			return true
		}
	}
	return false
}

// fixed reports whether one of the conditions pins the caller or the
// origin to known values.
func fixed(conds []policy.Condition, onAccessPoint bool) bool {
	for _, c := range conds {
		// An ...IfExists operator holds for a caller without the key, an
		// anonymous one among them: it fixes nothing but aws:SourceIp,
		// which every request has. Nor does a set operator (ForAnyValue:,
		// ForAllValues:).
		key := strings.ToLower(c.Key)
		op, ifExists := strings.CutSuffix(strings.ToLower(c.Operator), "ifexists")
		if ifExists && key != "aws:sourceip" {
			continue
		}
		if onAccessPoint && (key == "s3:dataaccesspointarn" || key == "s3:dataaccesspointaccount") {
			continue
		}
		if key == "s3:dataaccesspointarn" && op == "stringlike" {
			// An access point's ARN may leave its name open, the account
			// fixed (note 86), as an ArnLike may.
			op = "arnlike"
		}
		if strings.Contains(op, ":") || !fixingKeys[key] || !fixingOperators[op] || len(c.Values) == 0 {
			continue
		}
		if allFixed(key, op, c.Values) {
			return true
		}
	}
	return false
}

// allFixed reports whether every value is a fixed one: no wildcard and no
// policy variable (which may take any caller's value), an ArnLike only
// with wildcards outside the account, and source addresses no broader
// than /8 (IPv4) or /32 (IPv6).
func allFixed(key, op string, values []string) bool {
	for _, v := range values {
		switch {
		case strings.Contains(v, "${"):
			return false
		case key == "aws:sourceip":
			prefix, err := netip.ParsePrefix(v)
			if err != nil {
				if _, err := netip.ParseAddr(v); err != nil {
					return false
				}
				continue
			}
			if (prefix.Addr().Is4() && prefix.Bits() < 8) || (prefix.Addr().Is6() && prefix.Bits() < 32) {
				return false
			}
		case op == "arnlike":
			parts := strings.SplitN(v, ":", 6)
			if len(parts) < 5 || strings.ContainsAny(parts[4], "*?") || parts[4] == "" {
				return false
			}
		case strings.ContainsAny(v, "*?") || v == "":
			return false
		}
	}
	return true
}
