// Package access authorizes a principal's requests: it gathers the
// policies that apply from the store (identity policies of a user and its
// groups or of a role, the permissions boundary, the session's policies),
// fills the global condition keys, and asks authz for the decision.
// Services call it before every action.
package access

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/authz"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/store"
)

// Checker decides requests against the store's policies.
type Checker struct {
	store store.Store
	now   func() time.Time

	// changes, when the store counts its changes, lets policy sets and
	// customer managed policies be kept until the next one.
	changes store.Changes

	mu       sync.Mutex
	compiled map[compileKey]*policy.Policy // guarded by mu; documents are immutable by content
	memo                                   // guarded by mu
}

type compileKey struct {
	kind policy.Kind
	doc  string
	name string // explanations name the policy, so the name is part of the key
}

// maxCompiled bounds the cache of compiled documents; it is cleared when
// full, and every document compiles again on its next use.
const maxCompiled = 10000

// NewChecker returns a Checker over st.
func NewChecker(st store.Store, now func() time.Time) *Checker {
	changes, _ := st.(store.Changes)
	return &Checker{store: st, now: now, changes: changes, compiled: map[compileKey]*policy.Policy{}}
}

// Request is one action to authorize.
type Request struct {
	Principal       *trustgate.Principal
	Action          string
	Resource        string
	ResourceAccount string
	// ResourcePolicy is the resource's policy document, if it has one;
	// ResourceKind says its kind (policy.Trust for a role).
	ResourcePolicy string
	ResourceKind   policy.Kind
	// Context holds the request's own condition keys (service keys such
	// as sts:ExternalId); the global ones are added to it.
	Context *policy.Context
	Origin
}

// Origin is where a request came from, for the condition keys that
// describe it.
type Origin struct {
	// RemoteAddr is the client's host:port, whose host is aws:SourceIp;
	// it is split only for a request that is decided.
	RemoteAddr      string
	SecureTransport bool   // aws:SecureTransport
	Region          string // aws:RequestedRegion, from the credential scope
}

// SourceIP is the client's address, for aws:SourceIp.
func (o Origin) SourceIP() string {
	host, _, err := net.SplitHostPort(o.RemoteAddr)
	if err != nil {
		return o.RemoteAddr
	}
	return host
}

// Check decides r. An error means the policies could not be read or
// compiled, not a denial.
func (c *Checker) Check(ctx context.Context, r *Request) (authz.Result, error) {
	p := r.Principal
	req := &authz.Request{
		Caller:          p.Caller,
		Action:          r.Action,
		Resource:        r.Resource,
		ResourceAccount: r.ResourceAccount,
		Context:         r.Context,
	}
	if req.Context == nil {
		req.Context = policy.NewContext()
	}
	entityTags, err := c.identityPolicies(ctx, p, req)
	if err != nil {
		return authz.Result{}, err
	}
	// aws:PrincipalTag: the user's or role's tags, a session's tags over them.
	// A session tag replaces an entity tag whose key differs only in case.
	tags := tagMap(entityTags)
	for _, t := range p.Tags {
		if tags == nil {
			tags = map[string]string{}
		}
		for k := range tags {
			if strings.EqualFold(k, t.Key) {
				delete(tags, k)
			}
		}
		tags[t.Key] = t.Value
	}
	now := c.now()
	caller := &authz.CallerFacts{
		Caller: p.Caller, UserID: p.UserID, Username: p.UserName, Tags: tags,
		Temporary: p.Temporary, MFAAuthenticated: p.MFAAuthenticated, TokenIssued: p.TokenIssued,
		SourceIdentity: p.SourceIdentity,
	}
	facts := &authz.RequestFacts{
		Time: now, SourceIP: r.SourceIP(), SecureTransport: r.SecureTransport, Region: r.Region, ResourceAccount: r.ResourceAccount,
	}
	if err := c.applyOrganization(ctx, req, caller, facts); err != nil {
		return authz.Result{}, err
	}
	authz.SetCallerKeys(req.Context, caller, now)
	authz.SetRequestKeys(req.Context, facts)
	if r.ResourcePolicy != "" {
		rp, err := c.compile(r.ResourcePolicy, r.ResourceKind, "resource policy of "+r.Resource)
		if err != nil {
			return authz.Result{}, err
		}
		req.ResourcePolicy = rp
		req.ResourcePolicyRequired = r.ResourceKind == policy.Trust
	}
	return authz.Evaluate(req), nil
}

// identityPolicies gathers the principal's identity policies, boundary and
// session policies into req, and returns the tags of its user or role.
func (c *Checker) identityPolicies(ctx context.Context, p *trustgate.Principal, req *authz.Request) (tags []trustgate.Tag, err error) {
	var e trustgate.Entity
	switch p.Kind {
	case policy.User:
		e = trustgate.Entity{Account: p.Account, Kind: trustgate.UserEntity, Name: p.UserName}
	case policy.AssumedRole:
		e = trustgate.Entity{Account: p.Account, Kind: trustgate.RoleEntity, Name: p.RoleName}
	case policy.FederatedUser:
		if p.UserName == "" {
			// The root user's federated user: root may do anything, so its
			// session policies alone bound the session.
			req.Identity = []*policy.Policy{rootAllows}
			return nil, c.sessionPolicies(ctx, p, req)
		}
		e = trustgate.Entity{Account: p.Account, Kind: trustgate.UserEntity, Name: p.UserName}
	default:
		return nil, nil // root, anonymous and services have no identity policies
	}
	set, err := c.policySet(ctx, e)
	if err != nil {
		return nil, err
	}
	if !set.found {
		// The user or role is gone: no policy, not even a resource policy
		// naming it, lets its remaining sessions act (note 44).
		req.Identity = []*policy.Policy{deniesAll(fmt.Sprintf("%s %s, which no longer exists", e.Kind, e.Name))}
		return nil, nil
	}
	// The set is shared: clip it, so that an append copies.
	req.Identity, req.Boundary = slices.Clip(set.identity), set.boundary
	return set.tags, c.sessionPolicies(ctx, p, req)
}

// rootAllows stands for the root user's permissions under a session of
// its own.
var rootAllows = policy.MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, policy.Identity, "the root user's permissions")

// sessionPolicies puts the policies a session was issued with into req.
func (c *Checker) sessionPolicies(ctx context.Context, p *trustgate.Principal, req *authz.Request) error {
	for i, doc := range p.SessionPolicies {
		pol, err := c.compile(doc, policy.Session, fmt.Sprintf("session policy %d", i+1))
		if err != nil {
			return err
		}
		req.Session = append(req.Session, pol)
	}
	for _, a := range p.SessionPolicyARNs {
		pol, err := c.ManagedPolicy(ctx, a)
		if err != nil {
			return err
		}
		req.Session = append(req.Session, pol)
	}
	return nil
}

// compile returns the compiled form of a stored document, compiling it at
// most once.
func (c *Checker) compile(doc string, kind policy.Kind, name string) (*policy.Policy, error) {
	key := compileKey{kind, doc, name}
	c.mu.Lock()
	p, ok := c.compiled[key]
	c.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err := policy.Parse(doc, kind)
	if err != nil {
		return nil, fmt.Errorf("%s no longer compiles: %w", name, err)
	}
	p.Name = name
	c.mu.Lock()
	if len(c.compiled) >= maxCompiled {
		clear(c.compiled)
	}
	c.compiled[key] = p
	c.mu.Unlock()
	return p, nil
}

func tagMap(tags []trustgate.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// DeniedMessage words an access denial as IAM and STS do:
// "User: ARN is not authorized to perform: ACTION on resource: RESOURCE
// because no identity-based policy allows the ACTION action".
func DeniedMessage(p *trustgate.Principal, action, resource string, r authz.Result) string {
	return fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s %s", p.ARN, action, resource, r.Reason(action))
}

// S3DeniedMessage is DeniedMessage in S3's words, which quote the
// resource.
func S3DeniedMessage(p *trustgate.Principal, action, resource string, r authz.Result) string {
	return DeniedMessage(p, action, `"`+resource+`"`, r)
}

// SameOrganization tells whether two accounts are members of the
// organization, so that S3 explains its denials between them.
func (c *Checker) SameOrganization(ctx context.Context, a, b string) (bool, error) {
	v, err := c.organization(ctx)
	if err != nil {
		return false, err
	}
	return v.members[a] != nil && v.members[b] != nil, nil
}
