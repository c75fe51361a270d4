// Package policy is the IAM policy language: it reads a JSON policy
// document, validates it as IAM does for each kind of policy, compiles it
// once, and evaluates it against one request.
//
// The package is pure: it knows nothing of HTTP, storage or particular
// AWS services. How the kinds of policy combine into a decision (SCPs,
// resource policies, boundaries, the cross-account rule) is package authz.
package policy

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustgate/trustgate/arn"
)

// Kind is the kind of policy a document is; it decides which elements are
// required, which are forbidden, and the size limit.
type Kind uint8

const (
	// Identity is a policy attached to a user, group or role, managed or
	// inline, or used as a permissions boundary.
	Identity Kind = iota
	// Trust is a role's trust policy: the resource policy of a role.
	Trust
	// Resource is a resource-based policy such as an S3 bucket policy.
	Resource
	// ServiceControl is an Organizations service control policy (SCP).
	ServiceControl
	// ResourceControl is an Organizations resource control policy (RCP).
	ResourceControl
	// Session is a session policy passed to AssumeRole and friends.
	Session
)

var kindNames = [...]string{"identity", "trust", "resource", "service control", "resource control", "session"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Size limits: IAM counts characters without white space, Organizations
// every character, S3 the bytes of a bucket policy.
const (
	MaxManagedPolicySize    = 6144
	MaxUserInlineSize       = 2048 // all inline policies of a user together
	MaxGroupInlineSize      = 5120 // all inline policies of a group together
	MaxRoleInlineSize       = 10240
	MaxTrustPolicySize      = 2048 // the default quota; it can be raised to 4096
	MaxSessionPolicySize    = 2048 // before packing
	MaxOrgPolicySize        = 5120 // SCPs and RCPs
	MaxBucketPolicySizeByte = 20 * 1024
)

// Quota is a size limit on policy documents of one kind.
type Quota struct {
	Name string // the quota's name in LimitExceeded messages
	Max  int
	Unit SizeUnit
}

// SizeUnit is what a quota counts.
type SizeUnit uint8

const (
	// NonSpaceCharacters: IAM counts every character but white space.
	NonSpaceCharacters SizeUnit = iota
	// Characters: Organizations counts every character.
	Characters
	// Bytes: S3 counts bytes.
	Bytes
)

// The quotas of single documents. Inline policies are limited by the sum
// of an entity's inline policies; IAM checks those with the same Size.
var (
	ManagedPolicyQuota = Quota{Name: "PolicySize", Max: MaxManagedPolicySize}
	TrustPolicyQuota   = Quota{Name: "ACLSizePerRole", Max: MaxTrustPolicySize}
	OrgPolicyQuota     = Quota{Name: "PolicyContentSize", Max: MaxOrgPolicySize, Unit: Characters}
	BucketPolicyQuota  = Quota{Name: "BucketPolicySize", Max: MaxBucketPolicySizeByte, Unit: Bytes}
)

// Check returns an ErrTooLarge *Error when doc exceeds the quota.
func (q Quota) Check(doc string) error {
	var n int
	switch q.Unit {
	case NonSpaceCharacters:
		n = Size([]byte(doc))
	case Characters:
		n = utf8.RuneCountInString(doc)
	case Bytes:
		n = len(doc)
	}
	if n > q.Max {
		return &Error{Kind: ErrTooLarge, Message: fmt.Sprintf("Cannot exceed quota for %s: %d", q.Name, q.Max)}
	}
	return nil
}

// Size is the size of a document as IAM counts it against its quotas:
// every character but white space.
func Size(doc []byte) int {
	n := 0
	for _, r := range string(doc) {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// ErrorKind classifies a problem with a policy document.
type ErrorKind uint8

const (
	// ErrMalformed: the document is not a valid policy of its kind
	// (IAM's MalformedPolicyDocument, S3's MalformedPolicy).
	ErrMalformed ErrorKind = iota + 1
	// ErrTooLarge: the document exceeds its size quota (IAM's
	// LimitExceeded).
	ErrTooLarge
)

// Error is a problem with a policy document. Message is worded as AWS
// words it and is safe to show to the user.
type Error struct {
	Kind    ErrorKind
	Message string
}

func (e *Error) Error() string { return e.Message }

func malformed(format string, args ...any) *Error {
	return &Error{Kind: ErrMalformed, Message: fmt.Sprintf(format, args...)}
}

// Effect is what a statement does when it matches.
type Effect uint8

const (
	Allow Effect = iota + 1
	Deny
)

func (e Effect) String() string {
	switch e {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}
	return fmt.Sprintf("Effect(%d)", e)
}

// Versions of the policy language.
const (
	Version2012 = "2012-10-17" // the current language, with policy variables
	Version2008 = "2008-10-17" // the old one: ${...} is literal text
)

// Policy is a compiled policy document, ready to evaluate many times.
// It is immutable and safe for concurrent use.
type Policy struct {
	// Name identifies the policy in explanations, e.g. its ARN or
	// "inline policy S3Read of user alice". Set by whoever loads it.
	Name string

	Kind       Kind
	Version    string // as written; empty when the document has none
	ID         string
	Statements []*Statement
	Document   string // the JSON as given

	index actionIndex
}

// Statement is one compiled statement of a policy.
type Statement struct {
	Sid    string
	Effect Effect
	Index  int // position in the policy, from 0

	Principal    *Principals // Principal or NotPrincipal; nil when absent
	NotPrincipal bool
	Actions      []string // Action or NotAction as written
	NotAction    bool
	Resources    []string // Resource or NotResource as written; nil when absent
	NotResource  bool
	Conditions   []Condition

	policy    *Policy
	actions   []pattern
	resources []arnPattern
}

// Policy returns the policy the statement belongs to.
func (s *Statement) Policy() *Policy { return s.policy }

// String names the statement for explanations.
func (s *Statement) String() string {
	id := s.Sid
	if id == "" {
		id = fmt.Sprintf("#%d", s.Index+1)
	}
	if s.policy != nil && s.policy.Name != "" {
		return s.policy.Name + " statement " + id
	}
	return "statement " + id
}

// Request is what a statement is evaluated against. The first
// evaluation caches what every later one needs (the action's index keys,
// the resource's parts), so a Request belongs to one goroutine and its
// fields must not change once it has been evaluated.
type Request struct {
	Action   string // service:Action, e.g. s3:GetObject
	Resource string // the resource ARN, or "*" for actions without one
	Caller   *Caller
	Context  *Context
	// CallerHasBoundary is set when the caller has a permissions
	// boundary: AWS then applies every Deny with NotPrincipal to it,
	// whatever the NotPrincipal lists (docs/aws-behaviour.md note 12).
	CallerHasBoundary bool

	prepared    bool
	actionHash  uint64
	serviceHash uint64
	resource    arn.ARN
	resourceARN bool // Resource splits as an ARN
}

func (r *Request) prepare() {
	if r.prepared {
		return
	}
	service, _, _ := strings.Cut(r.Action, ":")
	r.actionHash, r.serviceHash = foldHash(r.Action), foldHash(service)
	r.resource, r.resourceARN = arn.Split(r.Resource)
	r.prepared = true
}

// Match is one statement that applied to a request.
type Match struct {
	Statement *Statement
	Principal PrincipalMatch // how the statement named the caller, for policies with a Principal
}

// Result is the outcome of one policy for one request.
type Result struct {
	// Deny is the first Deny statement that applied, nil if none.
	Deny *Statement
	// Allow is the Allow statement that applied with the strongest
	// principal match, nil if none.
	Allow *Statement
	// AllowMatch is how Allow named the caller (DirectMatch for policies
	// without a Principal element).
	AllowMatch PrincipalMatch
}

// Eval evaluates the policy for req. When matched is not nil, every
// statement that applies is appended to it; otherwise Eval does not
// allocate.
func (p *Policy) Eval(req *Request, matched *[]Match) Result {
	var r Result
	req.prepare()
	p.index.each(req, func(i int32) bool {
		s := p.Statements[i]
		m, ok := s.applies(req)
		if !ok {
			return true
		}
		if matched != nil {
			*matched = append(*matched, Match{Statement: s, Principal: m})
		}
		if s.Effect == Deny {
			if r.Deny == nil {
				r.Deny = s
			}
		} else if r.Allow == nil || m > r.AllowMatch {
			r.Allow, r.AllowMatch = s, m
		}
		// Once a deny is found nothing can change the outcome, unless
		// every match is wanted.
		return r.Deny == nil || matched != nil
	})
	return r
}

// applies reports whether the statement applies to req, and how its
// Principal named the caller.
func (s *Statement) applies(req *Request) (PrincipalMatch, bool) {
	if s.matchAction(req.Action) == s.NotAction {
		return NoMatch, false
	}
	if s.Resources != nil && !s.matchResources(req) {
		return NoMatch, false
	}
	m := DirectMatch
	if s.Principal != nil {
		m = s.Principal.match(req.Caller)
		if s.NotPrincipal {
			if notPrincipalNames(m, s.Effect, req) {
				return NoMatch, false
			}
			m = DirectMatch
		} else if m == NoMatch {
			return NoMatch, false
		}
	}
	for i := range s.Conditions {
		if !s.Conditions[i].eval(req.Context) {
			return NoMatch, false
		}
	}
	return m, true
}

// notPrincipalNames reports whether a NotPrincipal that matched the caller
// with m leaves it out. Naming the account leaves out only its root user:
// "all principals except the user named Bob in account 444455556666 are
// denied" holds for the other users of that account. A Deny with
// NotPrincipal applies to every caller with a permissions boundary
// (docs/aws-behaviour.md note 12).
func notPrincipalNames(m PrincipalMatch, effect Effect, req *Request) bool {
	if effect == Deny && req.CallerHasBoundary {
		return false
	}
	switch m {
	case NoMatch:
		return false
	case AccountMatch:
		return req.Caller != nil && req.Caller.Kind == Root
	}
	return true
}

func (s *Statement) matchAction(action string) bool {
	for i := range s.actions {
		if s.actions[i].match(action, true, nil) {
			return true
		}
	}
	return false
}

// matchResources reports whether the Resource or NotResource element lets
// the statement apply. An entry whose policy variable has no value matches
// no resource, so a NotResource holding it still applies
// (docs/aws-behaviour.md note 9).
func (s *Statement) matchResources(req *Request) bool {
	for i := range s.resources {
		if s.resources[i].matchSplit(req.Resource, req.resource, req.resourceARN, req.Context) {
			return !s.NotResource
		}
	}
	return s.NotResource
}
