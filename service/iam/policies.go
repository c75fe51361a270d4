package iamapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/protocol/query"
)

// entityKinds names, for each kind of identity, its parameter and IAM's
// words and quotas for it.
var entityKinds = map[trustgate.EntityKind]struct {
	param       string // UserName, GroupName, RoleName
	title       string // User, Group, Role
	inlineQuota int    // the sum of its inline policies, as IAM counts them
}{
	trustgate.UserEntity:  {"UserName", "User", policy.MaxUserInlineSize},
	trustgate.GroupEntity: {"GroupName", "Group", policy.MaxGroupInlineSize},
	trustgate.RoleEntity:  {"RoleName", "Role", policy.MaxRoleInlineSize},
}

// MaxAttachedPolicies is IAM's default quota of managed policies per
// user, group or role.
const MaxAttachedPolicies = 10

// target resolves the entity a policy action is about and authorizes
// action on it; it returns the entity with its canonical name.
func (s *Service) target(ctx context.Context, c *Call, kind trustgate.EntityKind, action string) (trustgate.Entity, *query.Error) {
	var n string
	var err *query.Error
	switch kind {
	case trustgate.UserEntity:
		var u *trustgate.User
		if u, err = s.targetUser(ctx, c, action, false); err == nil {
			n = u.Name
		}
	case trustgate.GroupEntity:
		var g *trustgate.Group
		if g, err = s.targetGroup(ctx, c, action); err == nil {
			n = g.Name
		}
	case trustgate.RoleEntity:
		var r *trustgate.Role
		if r, err = s.targetRole(ctx, c, action); err == nil {
			n = r.Name
		}
	}
	return trustgate.Entity{Account: c.Principal.Account, Kind: kind, Name: n}, err
}

// inline serves the inline-policy actions of one kind of identity.
type inline trustgate.EntityKind

func (k inline) kind() trustgate.EntityKind { return trustgate.EntityKind(k) }

// action is the IAM action for verb on this kind, e.g. iam:PutRolePolicy.
func (k inline) action(verb string) string {
	return "iam:" + verb + entityKinds[k.kind()].title + "Policy"
}

func (k inline) put(s *Service, ctx context.Context, c *Call) (any, *query.Error) {
	policyName, err := name(c, "PolicyName", 128)
	if err != nil {
		return nil, err
	}
	doc, _, err := document(c, "PolicyDocument", policy.Identity, policy.Quota{Name: "PolicySize", Max: entityKinds[k.kind()].inlineQuota})
	if err != nil {
		return nil, err
	}
	e, err := s.target(ctx, c, k.kind(), k.action("Put"))
	if err != nil {
		return nil, err
	}
	existing, se := s.store.InlinePolicies(ctx, e)
	if se != nil {
		return nil, internal(se)
	}
	total := policy.Size([]byte(doc))
	for _, p := range existing {
		if !strings.EqualFold(p.Name, policyName) {
			total += policy.Size([]byte(p.Document))
		}
	}
	if quota := entityKinds[k.kind()].inlineQuota; total > quota {
		return nil, query.Errorf(http.StatusConflict, "LimitExceeded", "Maximum policy size of %d bytes exceeded for %s %s", quota, k.kind(), e.Name)
	}
	if se := s.store.PutInlinePolicy(ctx, e, trustgate.InlinePolicy{Name: policyName, Document: doc}); se != nil {
		return nil, storeError(se, string(k.kind())+" with name "+e.Name)
	}
	return nil, nil
}

func (k inline) get(s *Service, ctx context.Context, c *Call) (any, *query.Error) {
	policyName, err := name(c, "PolicyName", 128)
	if err != nil {
		return nil, err
	}
	e, err := s.target(ctx, c, k.kind(), k.action("Get"))
	if err != nil {
		return nil, err
	}
	p, se := s.store.InlinePolicy(ctx, e, policyName)
	if se != nil {
		return nil, storeError(se, string(k.kind())+" policy with name "+policyName)
	}
	// The result names the entity under its own element: UserName,
	// GroupName or RoleName.
	type result struct {
		UserName       string `xml:",omitempty"`
		GroupName      string `xml:",omitempty"`
		RoleName       string `xml:",omitempty"`
		PolicyName     string
		PolicyDocument string
	}
	r := result{PolicyName: p.Name, PolicyDocument: encodeDocument(p.Document)}
	switch k.kind() {
	case trustgate.UserEntity:
		r.UserName = e.Name
	case trustgate.GroupEntity:
		r.GroupName = e.Name
	case trustgate.RoleEntity:
		r.RoleName = e.Name
	}
	return r, nil
}

func (k inline) delete(s *Service, ctx context.Context, c *Call) (any, *query.Error) {
	policyName, err := name(c, "PolicyName", 128)
	if err != nil {
		return nil, err
	}
	e, err := s.target(ctx, c, k.kind(), k.action("Delete"))
	if err != nil {
		return nil, err
	}
	if se := s.store.DeleteInlinePolicy(ctx, e, policyName); se != nil {
		return nil, storeError(se, string(k.kind())+" policy with name "+policyName)
	}
	return nil, nil
}

func (k inline) list(s *Service, ctx context.Context, c *Call) (any, *query.Error) {
	e, err := s.target(ctx, c, k.kind(), "iam:List"+entityKinds[k.kind()].title+"Policies")
	if err != nil {
		return nil, err
	}
	policies, se := s.store.InlinePolicies(ctx, e)
	if se != nil {
		return nil, internal(se)
	}
	out := struct {
		PolicyNames struct {
			Member []string `xml:"member"`
		}
		IsTruncated bool
	}{}
	for _, p := range policies {
		out.PolicyNames.Member = append(out.PolicyNames.Member, p.Name)
	}
	return out, nil
}

// attached serves the managed-policy attachments of one kind of identity.
type attached trustgate.EntityKind

func (k attached) kind() trustgate.EntityKind { return trustgate.EntityKind(k) }

func (k attached) policyARN(s *Service, ctx context.Context, c *Call) (string, *query.Error) {
	a, _, err := policyARNParam(c, "PolicyArn")
	if err != nil {
		return "", err
	}
	ok, err := s.attachable(ctx, c, a)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", notAttachable(a)
	}
	return a, nil
}

func (k attached) attach(s *Service, ctx context.Context, c *Call) (any, *query.Error) {
	arn, _, err := policyARNParam(c, "PolicyArn")
	if err != nil {
		return nil, err
	}
	c.setKey("iam:PolicyARN", arn)
	e, err := s.target(ctx, c, k.kind(), "iam:Attach"+entityKinds[k.kind()].title+"Policy")
	if err != nil {
		return nil, err
	}
	a, err := k.policyARN(s, ctx, c) // whether it exists is told only to those allowed to attach
	if err != nil {
		return nil, err
	}
	current, se := s.store.AttachedPolicies(ctx, e)
	if se != nil {
		return nil, internal(se)
	}
	if len(current) >= MaxAttachedPolicies && !contains(current, a) {
		return nil, query.Errorf(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for PoliciesPer%s: %d", entityKinds[k.kind()].title, MaxAttachedPolicies)
	}
	if se := s.store.AttachPolicy(ctx, e, a); se != nil {
		return nil, storeError(se, string(k.kind())+" with name "+e.Name)
	}
	return nil, nil
}

func (k attached) detach(s *Service, ctx context.Context, c *Call) (any, *query.Error) {
	a := c.Request.Get("PolicyArn")
	if a == "" {
		return nil, query.MissingParameter("PolicyArn")
	}
	c.setKey("iam:PolicyARN", a)
	e, err := s.target(ctx, c, k.kind(), "iam:Detach"+entityKinds[k.kind()].title+"Policy")
	if err != nil {
		return nil, err
	}
	if se := s.store.DetachPolicy(ctx, e, a); se != nil {
		return nil, query.Errorf(http.StatusNotFound, "NoSuchEntity", "Policy %s was not found.", a)
	}
	return nil, nil
}

func (k attached) list(s *Service, ctx context.Context, c *Call) (any, *query.Error) {
	e, err := s.target(ctx, c, k.kind(), "iam:ListAttached"+entityKinds[k.kind()].title+"Policies")
	if err != nil {
		return nil, err
	}
	arns, se := s.store.AttachedPolicies(ctx, e)
	if se != nil {
		return nil, internal(se)
	}
	type attachedPolicy struct {
		PolicyName string
		PolicyArn  string
	}
	out := struct {
		AttachedPolicies struct {
			Member []attachedPolicy `xml:"member"`
		}
		IsTruncated bool
	}{}
	for _, a := range arns {
		out.AttachedPolicies.Member = append(out.AttachedPolicies.Member, attachedPolicy{PolicyName: a[strings.LastIndexByte(a, '/')+1:], PolicyArn: a})
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
