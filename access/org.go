package access

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/authz"
	"github.com/trustgate/trustgate/managed"
	"github.com/trustgate/trustgate/policy"
)

// orgView is the organization as decisions need it: where each account
// sits, which policies each level holds, compiled. It is read whole and
// kept, like policy sets, until the store changes.
type orgView struct {
	org     *trustgate.Organization
	parents map[string]string // account or OU id -> parent id
	// policies are the compiled SCPs and RCPs attached to each target
	// (root, OU, account), of the enabled types only.
	scps, rcps map[string][]*policy.Policy
	// members are the member accounts' places, worked out with the view
	// rather than on every decision.
	members map[string]*placement
}

// placement is where a member account sits, as decisions need it.
type placement struct {
	orgPaths   []string      // its aws:PrincipalOrgPaths or aws:ResourceOrgPaths
	scps, rcps []authz.Level // the policies of each level, root first, account last
}

// rcpServices are the services whose resources RCPs cover, among those
// trustgate serves.
var rcpServices = []string{"s3", "sts"}

// organization returns the organization's view, from the memo when the
// store has not changed since it was read.
func (c *Checker) organization(ctx context.Context) (*orgView, error) {
	v, hit, generation, counts := cached(c, organizations, "")
	if hit {
		return v, nil
	}
	v, err := c.loadOrganization(ctx)
	if err != nil {
		return nil, err
	}
	if counts {
		remember(c, organizations, "", v, generation)
	}
	return v, nil
}

func (c *Checker) loadOrganization(ctx context.Context) (*orgView, error) {
	org, err := c.store.Organization(ctx)
	if errors.Is(err, trustgate.ErrNotFound) {
		return &orgView{}, nil // no organization: a store's own tests
	}
	if err != nil {
		return nil, err
	}
	v := &orgView{org: org, parents: map[string]string{}, scps: map[string][]*policy.Policy{}, rcps: map[string][]*policy.Policy{}}
	accounts, err := c.store.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range accounts {
		v.parents[a.ID] = a.ParentID
	}
	ous, err := c.store.OUs(ctx)
	if err != nil {
		return nil, err
	}
	for _, ou := range ous {
		v.parents[ou.ID] = ou.ParentID
	}
	attachments, err := c.store.OrgAttachments(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range attachments {
		p, typ, err := c.orgPolicy(ctx, a.PolicyID)
		if err != nil {
			return nil, err
		}
		if p == nil || !slices.Contains(org.PolicyTypes, typ) {
			continue
		}
		if typ == trustgate.ServiceControlPolicy {
			v.scps[a.TargetID] = append(v.scps[a.TargetID], p)
		} else {
			v.rcps[a.TargetID] = append(v.rcps[a.TargetID], p)
		}
	}
	v.members = make(map[string]*placement, len(accounts))
	for _, a := range accounts {
		if path := v.path(a.ID); path != nil {
			v.members[a.ID] = &placement{orgPaths: v.orgPaths(path), scps: levels(path, v.scps), rcps: levels(path, v.rcps)}
		}
	}
	return v, nil
}

// orgPolicy compiles an Organizations policy by id: AWS's own or the
// organization's; nil when it is gone.
func (c *Checker) orgPolicy(ctx context.Context, id string) (*policy.Policy, string, error) {
	for _, m := range managed.Organizations() {
		if m.ID == id {
			typ := trustgate.ServiceControlPolicy
			if m.Kind == policy.ResourceControl {
				typ = trustgate.ResourceControlPolicy
			}
			return m.Compiled, typ, nil
		}
	}
	p, err := c.store.OrgPolicy(ctx, id)
	if errors.Is(err, trustgate.ErrNotFound) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	kind := policy.ServiceControl
	if p.Type == trustgate.ResourceControlPolicy {
		kind = policy.ResourceControl
	}
	compiled, err := c.compile(p.Document, kind, p.Name+" ("+p.ID+")")
	return compiled, p.Type, err
}

// path lists the targets from the root down to the account, the account
// last; nil for an account outside the organization.
func (v *orgView) path(account string) []string {
	if v.org == nil {
		return nil
	}
	if _, ok := v.parents[account]; !ok {
		return nil
	}
	var up []string
	for id := account; id != ""; id = v.parents[id] {
		up = append(up, id)
		if id == v.org.RootID || len(up) > 16 {
			break
		}
	}
	slices.Reverse(up)
	return up
}

// orgPaths is aws:PrincipalOrgPaths (or aws:ResourceOrgPaths) of the
// account at the end of path: the organization, root and OUs above it,
// as o-.../r-.../ou-.../.
func (v *orgView) orgPaths(path []string) []string {
	return []string{v.org.ID + "/" + strings.Join(path[:len(path)-1], "/") + "/"}
}

// levels are the policies of each target on an account's path.
func levels(path []string, attached map[string][]*policy.Policy) []authz.Level {
	out := make([]authz.Level, 0, len(path))
	for _, target := range path {
		out = append(out, authz.Level{Target: target, Policies: attached[target]})
	}
	return out
}

// applyOrganization puts the organization's part of a decision into req:
// the SCPs on the caller's account's path, the RCPs on the resource
// account's, and the keys that place both in the organization.
func (c *Checker) applyOrganization(ctx context.Context, req *authz.Request, caller *authz.CallerFacts, facts *authz.RequestFacts) error {
	v, err := c.organization(ctx)
	if err != nil || v.org == nil {
		return err
	}
	req.ManagementAccount = v.org.ManagementAccount
	if p := v.members[req.Caller.Account]; p != nil && req.Caller.Kind != policy.Anonymous && req.Caller.Kind != policy.Service {
		caller.OrgID, caller.OrgPaths = v.org.ID, p.orgPaths
		if slices.Contains(v.org.PolicyTypes, trustgate.ServiceControlPolicy) {
			req.SCPs = p.scps
		}
	}
	if p := v.members[req.ResourceAccount]; p != nil {
		facts.ResourceOrgID, facts.ResourceOrgPaths = v.org.ID, p.orgPaths
		service, _, _ := strings.Cut(req.Action, ":")
		if slices.Contains(v.org.PolicyTypes, trustgate.ResourceControlPolicy) && slices.Contains(rcpServices, strings.ToLower(service)) {
			req.RCPs = p.rcps
		}
	}
	return nil
}
