// Package authz decides a request the way AWS does, across every kind of
// policy that applies to it: Organizations' SCPs and RCPs, the resource's
// policy, the caller's identity policies, its permissions boundary and its
// session policies, with AWS's rules for requests inside one account and
// across accounts.
//
// It is pure: the caller gathers the compiled policies (package policy)
// and the request's condition keys, and Evaluate returns a Result that
// can explain itself.
package authz

import (
	"fmt"

	"github.com/trustgate/trustgate/policy"
)

// Decision is the outcome of an evaluation.
type Decision uint8

const (
	// ImplicitDeny: nothing allowed the request.
	ImplicitDeny Decision = iota
	// Allow: the request is allowed.
	Allow
	// ExplicitDeny: a Deny statement applied.
	ExplicitDeny
)

var decisionNames = [...]string{"ImplicitDeny", "Allow", "ExplicitDeny"}

func (d Decision) String() string {
	if int(d) < len(decisionNames) {
		return decisionNames[d]
	}
	return fmt.Sprintf("Decision(%d)", d)
}

// PolicyType is a kind of policy in the evaluation.
type PolicyType uint8

const (
	NoPolicyType PolicyType = iota
	IdentityPolicy
	ResourcePolicy
	PermissionsBoundary
	SessionPolicy
	ServiceControlPolicy
	ResourceControlPolicy
)

var policyTypeNames = [...]string{"", "identity-based policy", "resource-based policy", "permissions boundary", "session policy", "service control policy", "resource control policy"}

// String names the policy type as AWS's access-denied messages do.
func (t PolicyType) String() string {
	if int(t) < len(policyTypeNames) {
		return policyTypeNames[t]
	}
	return fmt.Sprintf("PolicyType(%d)", t)
}

// Level is the policies attached at one level of an organization: the
// root, an organizational unit, or the account itself.
type Level struct {
	Target   string // the root, OU or account id, for explanations
	Policies []*policy.Policy
}

// Request is one request to decide, with every policy that applies to it.
type Request struct {
	Caller policy.Caller
	// ServiceLinkedRole is set when the caller is a session of a
	// service-linked role: SCPs and RCPs do not restrict it.
	ServiceLinkedRole bool

	Action   string // service:Action
	Resource string // the resource ARN, or "*"
	// ResourceAccount owns the resource. A request is within one account
	// when it equals the caller's account.
	ResourceAccount string
	Context         *policy.Context

	Identity []*policy.Policy // the caller's identity policies, managed and inline
	Boundary *policy.Policy   // the caller's permissions boundary, if any
	Session  []*policy.Policy // the session's policies, if any
	// ResourcePolicy is the resource's policy, if it has one: a bucket
	// policy, or a role's trust policy for sts:AssumeRole.
	ResourcePolicy *policy.Policy
	// ResourcePolicyRequired is set where the resource policy must allow
	// even within its own account, as a role's trust policy must.
	ResourcePolicyRequired bool

	// SCPs are the service control policies on the path from the
	// organization root to the caller's account; nil when the account is
	// in no organization or SCPs are not enabled.
	SCPs []Level
	// RCPs are the resource control policies on the path to the resource's
	// account; nil when none apply (not enabled, or a service RCPs do not
	// cover).
	RCPs []Level
	// ManagementAccount is the organization's management account: SCPs do
	// not restrict its principals, nor RCPs its resources.
	ManagementAccount string
}

// Result is a decision and why it was made.
type Result struct {
	Decision Decision
	// Type is the kind of policy that decided: the one holding the
	// explicit deny, the one that failed to allow, or the one whose allow
	// granted the request.
	Type PolicyType
	// Statement is the statement that decided: the Deny that applied, or
	// the Allow that granted. Nil for an implicit deny.
	Statement *policy.Statement
	// Matched lists every statement that applied, by policy type; only
	// Explain fills it.
	Matched []Matched
}

// Matched is one statement that applied to the request.
type Matched struct {
	Type PolicyType
	policy.Match
}

// Reason completes an access-denied message the way AWS does: "with an
// explicit deny in a service control policy", "because no identity-based
// policy allows the s3:GetObject action". It is empty for Allow.
func (r Result) Reason(action string) string {
	switch r.Decision {
	case ExplicitDeny:
		return "with an explicit deny in " + article(r.Type) + " " + r.Type.String()
	case ImplicitDeny:
		return "because no " + r.Type.String() + " allows the " + action + " action"
	}
	return ""
}

// Summary says in one line what decided: the Reason of a denial, or the
// kind of policy that granted an allowed request.
func (r Result) Summary(action string) string {
	if r.Decision == Allow {
		if r.Type == NoPolicyType {
			return "allowed to the account's root user, which needs no policy"
		}
		return "allowed by " + article(r.Type) + " " + r.Type.String()
	}
	return r.Reason(action)
}

func article(t PolicyType) string {
	if t == IdentityPolicy {
		return "an"
	}
	return "a"
}

// Evaluate decides req. It does not allocate.
func Evaluate(req *Request) Result {
	return evaluate(req, nil)
}

// Explain decides req like Evaluate and also lists every statement that
// applied, for simulations and audits.
func Explain(req *Request) Result {
	var matched []Matched
	r := evaluate(req, &matched)
	r.Matched = matched
	return r
}

// outcome gathers what the policies of one type said.
type outcome struct {
	deny       *policy.Statement
	allow      *policy.Statement
	allowMatch policy.PrincipalMatch
	present    bool // some policy of this type applies to the request
}

func (o *outcome) add(r policy.Result) {
	if o.deny == nil && r.Deny != nil {
		o.deny = r.Deny
	}
	if r.Allow != nil && (o.allow == nil || r.AllowMatch > o.allowMatch) {
		o.allow, o.allowMatch = r.Allow, r.AllowMatch
	}
}

// allows reports whether this type lets the request through: it applies
// and allows, or it does not apply at all.
func (o *outcome) allows() bool { return !o.present || o.allow != nil }

// levelOutcome is what an organization's policies said, level by level:
// the first deny, and whether some level did not allow.
type levelOutcome struct {
	deny       *policy.Statement
	notAllowed bool
}

func evaluate(req *Request, matched *[]Matched) Result {
	preq := policy.Request{Action: req.Action, Resource: req.Resource, Caller: &req.Caller, Context: req.Context,
		CallerHasBoundary: req.Boundary != nil}
	caller := &req.Caller
	var scratch []policy.Match
	var scratchPtr *[]policy.Match
	if matched != nil {
		scratchPtr = &scratch
	}
	collect := func(t PolicyType) {
		if matched == nil {
			return
		}
		for _, m := range scratch {
			*matched = append(*matched, Matched{Type: t, Match: m})
		}
		scratch = scratch[:0]
	}

	var identity, boundary, session, resource outcome
	identity.present = true
	for _, p := range req.Identity {
		identity.add(p.Eval(&preq, scratchPtr))
	}
	collect(IdentityPolicy)
	if req.Boundary != nil {
		boundary.present = true
		boundary.add(req.Boundary.Eval(&preq, scratchPtr))
		collect(PermissionsBoundary)
	}
	// A federated user's session has no permissions without a session
	// policy (docs/aws-behaviour.md note 18): count it as present.
	if len(req.Session) > 0 || caller.Kind == policy.FederatedUser {
		session.present = true
		for _, p := range req.Session {
			session.add(p.Eval(&preq, scratchPtr))
		}
		collect(SessionPolicy)
	}
	if req.ResourcePolicy != nil {
		resource.present = true
		resource.add(req.ResourcePolicy.Eval(&preq, scratchPtr))
		collect(ResourcePolicy)
	}
	var scp, rcp levelOutcome
	if scpsApply(req) {
		scp = evaluateLevels(req.SCPs, &preq, scratchPtr)
		collect(ServiceControlPolicy)
	}
	if rcpsApply(req) {
		rcp = evaluateLevels(req.RCPs, &preq, scratchPtr)
		collect(ResourceControlPolicy)
	}

	// An explicit deny in any policy decides.
	switch {
	case rcp.deny != nil:
		return Result{Decision: ExplicitDeny, Type: ResourceControlPolicy, Statement: rcp.deny}
	case scp.deny != nil:
		return Result{Decision: ExplicitDeny, Type: ServiceControlPolicy, Statement: scp.deny}
	case resource.deny != nil:
		return Result{Decision: ExplicitDeny, Type: ResourcePolicy, Statement: resource.deny}
	case identity.deny != nil:
		return Result{Decision: ExplicitDeny, Type: IdentityPolicy, Statement: identity.deny}
	case boundary.deny != nil:
		return Result{Decision: ExplicitDeny, Type: PermissionsBoundary, Statement: boundary.deny}
	case session.deny != nil:
		return Result{Decision: ExplicitDeny, Type: SessionPolicy, Statement: session.deny}
	}
	// Every level of the organization must allow.
	if rcp.notAllowed {
		return Result{Decision: ImplicitDeny, Type: ResourceControlPolicy}
	}
	if scp.notAllowed {
		return Result{Decision: ImplicitDeny, Type: ServiceControlPolicy}
	}

	grantedByResource := Result{Decision: Allow, Type: ResourcePolicy, Statement: resource.allow}
	noResourceAllow := Result{Decision: ImplicitDeny, Type: ResourcePolicy}

	switch caller.Kind {
	case policy.Anonymous, policy.Service:
		// No identity policies: only the resource's policy can grant.
		if resource.allow != nil {
			return grantedByResource
		}
		return noResourceAllow
	case policy.Root:
		// The root user has every permission in its own account; in
		// another account only that account's resource policy can let it in.
		if caller.Account == req.ResourceAccount {
			if req.ResourcePolicyRequired && resource.allow == nil {
				return noResourceAllow
			}
			return Result{Decision: Allow} // no policy: the root user's own account
		}
		if resource.allow != nil {
			return grantedByResource
		}
		return noResourceAllow
	}

	if caller.Account != req.ResourceAccount {
		// Across accounts, the caller's side and the resource's side must
		// both allow.
		if r, ok := identitySide(&identity, &boundary, &session); !ok {
			return r
		}
		if resource.allow == nil {
			return noResourceAllow
		}
		return Result{Decision: Allow, Type: IdentityPolicy, Statement: identity.allow}
	}

	// Within one account a resource policy that names the caller grants on
	// its own; one that names the role behind a session grants within the
	// session's boundary and session policies; one that names the account
	// delegates to the account's identity policies.
	switch resource.allowMatch {
	case policy.DirectMatch:
		if resource.allow != nil {
			return grantedByResource
		}
	case policy.IssuerMatch:
		// The role is granted; its session gets the grant within its
		// boundary and session policies, with no identity policy needed.
		switch {
		case !boundary.allows():
			return Result{Decision: ImplicitDeny, Type: PermissionsBoundary}
		case !session.allows():
			return Result{Decision: ImplicitDeny, Type: SessionPolicy}
		}
		return grantedByResource
	}
	if req.ResourcePolicyRequired && resource.allow == nil {
		return noResourceAllow
	}
	if r, ok := identitySide(&identity, &boundary, &session); !ok {
		return r
	}
	return Result{Decision: Allow, Type: IdentityPolicy, Statement: identity.allow}
}

// identitySide checks that the caller's identity policies allow and that
// its boundary and session policies, where it has them, allow too.
func identitySide(identity, boundary, session *outcome) (Result, bool) {
	switch {
	case identity.allow == nil:
		return Result{Decision: ImplicitDeny, Type: IdentityPolicy}, false
	case !boundary.allows():
		return Result{Decision: ImplicitDeny, Type: PermissionsBoundary}, false
	case !session.allows():
		return Result{Decision: ImplicitDeny, Type: SessionPolicy}, false
	}
	return Result{}, true
}

// scpsApply reports whether SCPs restrict the caller: a principal of a
// member account, other than a service-linked role.
func scpsApply(req *Request) bool {
	switch req.Caller.Kind {
	case policy.Anonymous, policy.Service:
		return false
	}
	return req.SCPs != nil && !req.ServiceLinkedRole && req.Caller.Account != req.ManagementAccount
}

// rcpsApply reports whether RCPs restrict access to the resource: one in a
// member account, requested by anyone but a service-linked role.
func rcpsApply(req *Request) bool {
	return req.RCPs != nil && !req.ServiceLinkedRole && req.ResourceAccount != req.ManagementAccount
}

func evaluateLevels(levels []Level, preq *policy.Request, scratch *[]policy.Match) levelOutcome {
	var out levelOutcome
	for _, level := range levels {
		allowed := false
		for _, p := range level.Policies {
			r := p.Eval(preq, scratch)
			if r.Deny != nil && out.deny == nil {
				out.deny = r.Deny
			}
			if r.Allow != nil {
				allowed = true
			}
		}
		if !allowed {
			out.notAllowed = true
		}
	}
	return out
}
