package iamapi

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/protocol/query"
)

// aliasPattern is IAM's AccountAlias pattern but for its ban on two
// hyphens in a row, which aliasParam checks.
var aliasPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)

func aliasParam(c *Call) (string, *query.Error) {
	if !c.Request.Has("AccountAlias") {
		return "", query.MissingParameter("AccountAlias")
	}
	a := c.Request.Get("AccountAlias")
	if !aliasPattern.MatchString(a) || strings.Contains(a, "--") {
		return "", query.InvalidMember(a, "accountAlias", `Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`)
	}
	return a, nil
}

// createAccountAlias gives the account its alias, replacing the one it
// had: an account has one alias at most, and an alias one account.
func (s *Service) createAccountAlias(ctx context.Context, c *Call) (any, *query.Error) {
	a, err := aliasParam(c)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, c, "iam:CreateAccountAlias", "*"); err != nil {
		return nil, err
	}
	if e := s.store.SetAccountAlias(ctx, c.Principal.Account, a); e != nil {
		if errors.Is(e, trustgate.ErrConflict) {
			return nil, query.Errorf(http.StatusConflict, "EntityAlreadyExists", "The account alias %s already exists.", a)
		}
		return nil, internal(e)
	}
	return nil, nil
}

func (s *Service) deleteAccountAlias(ctx context.Context, c *Call) (any, *query.Error) {
	a, err := aliasParam(c)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, c, "iam:DeleteAccountAlias", "*"); err != nil {
		return nil, err
	}
	switch e := s.store.DeleteAccountAlias(ctx, c.Principal.Account, a); {
	case errors.Is(e, trustgate.ErrNotFound):
		return nil, query.Errorf(http.StatusNotFound, "NoSuchEntity", "The account alias %s cannot be found.", a)
	case e != nil:
		return nil, internal(e)
	}
	return nil, nil
}

func (s *Service) listAccountAliases(ctx context.Context, c *Call) (any, *query.Error) {
	if err := s.authorize(ctx, c, "iam:ListAccountAliases", "*"); err != nil {
		return nil, err
	}
	a, e := s.store.AccountAlias(ctx, c.Principal.Account)
	if e != nil {
		return nil, internal(e)
	}
	var aliases []string
	if a != "" {
		aliases = append(aliases, a)
	}
	items, pg, err := paginate(c, aliases)
	if err != nil {
		return nil, err
	}
	out := struct {
		AccountAliases struct {
			Member []string `xml:"member"`
		}
		page
	}{page: pg}
	out.AccountAliases.Member = items
	return out, nil
}

// The elements of GetAccountAuthorizationDetails.
type (
	inlineElement struct {
		PolicyName     string
		PolicyDocument string
	}
	attachedElement struct {
		PolicyName string
		PolicyArn  string
	}
	userDetail struct {
		Path                    string
		UserName                string
		UserId                  string
		Arn                     string
		CreateDate              string
		UserPolicyList          members[inlineElement]
		GroupList               members[string]
		AttachedManagedPolicies members[attachedElement]
		PermissionsBoundary     *boundaryElement `xml:",omitempty"`
		Tags                    *tagList         `xml:"Tags,omitempty"`
	}
	groupDetail struct {
		Path                    string
		GroupName               string
		GroupId                 string
		Arn                     string
		CreateDate              string
		GroupPolicyList         members[inlineElement]
		AttachedManagedPolicies members[attachedElement]
	}
	roleDetail struct {
		Path                     string
		RoleName                 string
		RoleId                   string
		Arn                      string
		CreateDate               string
		AssumeRolePolicyDocument string
		InstanceProfileList      members[string]
		RolePolicyList           members[inlineElement]
		AttachedManagedPolicies  members[attachedElement]
		PermissionsBoundary      *boundaryElement `xml:",omitempty"`
		Tags                     *tagList         `xml:"Tags,omitempty"`
	}
	policyDetail struct {
		policyElement
		PolicyVersionList members[versionElement]
	}
)

// members is a list as the Query protocol's XML writes it.
type members[T any] struct {
	Member []T `xml:"member"`
}

// authorizationFilters are the values of GetAccountAuthorizationDetails's
// Filter.
var authorizationFilters = []string{"User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"}

// getAccountAuthorizationDetails describes every user, group, role and
// managed policy of the account, with their policies, in one listing that
// pages across all of them in that order. AWS managed policies are there
// only if the account uses them (note 42).
func (s *Service) getAccountAuthorizationDetails(ctx context.Context, c *Call) (any, *query.Error) {
	want := map[string]bool{}
	for i, f := range c.Request.Members("Filter") {
		if !contains(authorizationFilters, f) {
			return nil, query.InvalidMember(f, "filter."+strconv.Itoa(i+1)+".member", "Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]")
		}
		want[f] = true
	}
	if len(want) == 0 {
		for _, f := range authorizationFilters {
			want[f] = true
		}
	}
	if err := s.authorize(ctx, c, "iam:GetAccountAuthorizationDetails", "*"); err != nil {
		return nil, err
	}
	d := &details{s: s, c: c}
	var all []any
	if want["User"] {
		users, e := s.store.Users(ctx, c.Principal.Account, "/")
		if e != nil {
			return nil, internal(e)
		}
		for _, u := range users {
			v, err := d.user(ctx, u)
			if err != nil {
				return nil, err
			}
			all = append(all, v)
		}
	}
	if want["Group"] {
		groups, e := s.store.Groups(ctx, c.Principal.Account, "/")
		if e != nil {
			return nil, internal(e)
		}
		for _, g := range groups {
			v, err := d.group(ctx, g)
			if err != nil {
				return nil, err
			}
			all = append(all, v)
		}
	}
	if want["Role"] {
		roles, e := s.store.Roles(ctx, c.Principal.Account, "/")
		if e != nil {
			return nil, internal(e)
		}
		for _, r := range roles {
			v, err := d.role(ctx, r)
			if err != nil {
				return nil, err
			}
			all = append(all, v)
		}
	}
	var policies []*trustgate.ManagedPolicy
	if want["AWSManagedPolicy"] {
		policies = append(policies, awsManagedPolicies()...)
	}
	if want["LocalManagedPolicy"] {
		local, e := s.store.ManagedPolicies(ctx, c.Principal.Account, "/")
		if e != nil {
			return nil, internal(e)
		}
		policies = append(policies, local...)
	}
	for _, p := range policies {
		v, err := d.policy(ctx, p)
		if err != nil {
			return nil, err
		}
		if p.Account == awsAccount && v.AttachmentCount+v.PermissionsBoundaryUsageCount == 0 {
			continue
		}
		all = append(all, v)
	}
	items, pg, err := paginate(c, all)
	if err != nil {
		return nil, err
	}
	out := struct {
		UserDetailList  members[userDetail]
		GroupDetailList members[groupDetail]
		RoleDetailList  members[roleDetail]
		Policies        members[policyDetail]
		page
	}{page: pg}
	for _, item := range items {
		switch v := item.(type) {
		case userDetail:
			out.UserDetailList.Member = append(out.UserDetailList.Member, v)
		case groupDetail:
			out.GroupDetailList.Member = append(out.GroupDetailList.Member, v)
		case roleDetail:
			out.RoleDetailList.Member = append(out.RoleDetailList.Member, v)
		case policyDetail:
			out.Policies.Member = append(out.Policies.Member, v)
		}
	}
	return out, nil
}

// details reads what GetAccountAuthorizationDetails says of each entity.
type details struct {
	s *Service
	c *Call
}

func (d *details) policiesOf(ctx context.Context, e trustgate.Entity) (members[inlineElement], members[attachedElement], *query.Error) {
	var inline members[inlineElement]
	var attached members[attachedElement]
	ps, err := d.s.store.InlinePolicies(ctx, e)
	if err != nil {
		return inline, attached, internal(err)
	}
	for _, p := range ps {
		inline.Member = append(inline.Member, inlineElement{PolicyName: p.Name, PolicyDocument: encodeDocument(p.Document)})
	}
	arns, err := d.s.store.AttachedPolicies(ctx, e)
	if err != nil {
		return inline, attached, internal(err)
	}
	for _, a := range arns {
		attached.Member = append(attached.Member, attachedElement{PolicyName: managedName(a), PolicyArn: a})
	}
	return inline, attached, nil
}

func (d *details) user(ctx context.Context, u *trustgate.User) (userDetail, *query.Error) {
	inline, attached, err := d.policiesOf(ctx, trustgate.Entity{Account: u.Account, Kind: trustgate.UserEntity, Name: u.Name})
	if err != nil {
		return userDetail{}, err
	}
	groups, e := d.s.store.GroupsForUser(ctx, u.Account, u.Name)
	if e != nil {
		return userDetail{}, internal(e)
	}
	v := userDetail{Path: u.Path, UserName: u.Name, UserId: u.ID, Arn: u.ARN(), CreateDate: isoTime(u.CreatedAt),
		UserPolicyList: inline, AttachedManagedPolicies: attached, PermissionsBoundary: boundaryOf(u.Boundary), Tags: tagsOf(u.Tags)}
	for _, g := range groups {
		v.GroupList.Member = append(v.GroupList.Member, g.Name)
	}
	return v, nil
}

func (d *details) group(ctx context.Context, g *trustgate.Group) (groupDetail, *query.Error) {
	inline, attached, err := d.policiesOf(ctx, trustgate.Entity{Account: g.Account, Kind: trustgate.GroupEntity, Name: g.Name})
	return groupDetail{Path: g.Path, GroupName: g.Name, GroupId: g.ID, Arn: g.ARN(), CreateDate: isoTime(g.CreatedAt),
		GroupPolicyList: inline, AttachedManagedPolicies: attached}, err
}

func (d *details) role(ctx context.Context, r *trustgate.Role) (roleDetail, *query.Error) {
	inline, attached, err := d.policiesOf(ctx, trustgate.Entity{Account: r.Account, Kind: trustgate.RoleEntity, Name: r.Name})
	return roleDetail{Path: r.Path, RoleName: r.Name, RoleId: r.ID, Arn: r.ARN(), CreateDate: isoTime(r.CreatedAt),
		AssumeRolePolicyDocument: encodeDocument(r.TrustPolicy), RolePolicyList: inline, AttachedManagedPolicies: attached,
		PermissionsBoundary: boundaryOf(r.Boundary), Tags: tagsOf(r.Tags)}, err
}

func (d *details) policy(ctx context.Context, p *trustgate.ManagedPolicy) (policyDetail, *query.Error) {
	e, err := d.s.element(ctx, d.c, p, true)
	if err != nil {
		return policyDetail{}, err
	}
	e.Tags = nil // not among GetAccountAuthorizationDetails's policy fields
	v := policyDetail{policyElement: e}
	versions, err := d.s.versions(ctx, p)
	if err != nil {
		return policyDetail{}, err
	}
	for _, pv := range versions {
		v.PolicyVersionList.Member = append(v.PolicyVersionList.Member, versionOf(pv, true))
	}
	return v, nil
}
