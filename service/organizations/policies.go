package orgapi

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/ids"
	"github.com/trustgate/trustgate/managed"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/protocol/jsonrpc"
)

// policyTypes are the policy types trustgate serves, with what it takes
// to parse them and the AWS policy Organizations attaches everywhere when
// the type is enabled.
var policyTypes = map[string]struct {
	kind     policy.Kind
	fullName string // FullAWSAccess, RCPFullAWSAccess
	arnPart  string // service_control_policy, resource_control_policy
}{
	trustgate.ServiceControlPolicy:  {policy.ServiceControl, "FullAWSAccess", "service_control_policy"},
	trustgate.ResourceControlPolicy: {policy.ResourceControl, "RCPFullAWSAccess", "resource_control_policy"},
}

// fullAccess is AWS's policy that allows everything, of a type.
func fullAccess(typ string) *managed.Policy {
	if typ == trustgate.ResourceControlPolicy {
		p, _ := managed.RCP("RCPFullAWSAccess")
		return p
	}
	p, _ := managed.SCP("FullAWSAccess")
	return p
}

// orgPolicy is a policy as the API shows it: one created in the
// organization, or AWS's own.
type orgPolicy struct {
	trustgate.OrgPolicy
	awsManaged bool
}

func (c *Call) policyARN(p *orgPolicy) string {
	if p.awsManaged {
		return "arn:aws:organizations::aws:policy/" + policyTypes[p.Type].arnPart + "/" + p.ID
	}
	return "arn:aws:organizations::" + c.org.ManagementAccount + ":policy/" + c.org.ID + "/" + policyTypes[p.Type].arnPart + "/" + p.ID
}

// lookupPolicy finds a policy by id, AWS's or the organization's.
func (s *Service) lookupPolicy(ctx context.Context, id string) (*orgPolicy, bool) {
	for _, m := range managed.Organizations() {
		if m.ID == id {
			typ := trustgate.ServiceControlPolicy
			if m.Kind == policy.ResourceControl {
				typ = trustgate.ResourceControlPolicy
			}
			return &orgPolicy{OrgPolicy: trustgate.OrgPolicy{ID: m.ID, Name: m.Name, Description: m.Description, Type: typ, Document: m.Document}, awsManaged: true}, true
		}
	}
	p, err := s.store.OrgPolicy(ctx, id)
	if err != nil {
		return nil, false
	}
	return &orgPolicy{OrgPolicy: *p}, true
}

type (
	policySummary struct {
		Arn         string
		AwsManaged  bool
		Description string
		Id          string
		Name        string
		Type        string
	}
	policyElement struct {
		Content       string
		PolicySummary policySummary
	}
	targetSummary struct {
		Arn      string
		Name     string
		TargetId string
		Type     string
	}
)

func (c *Call) summaryOf(p *orgPolicy) policySummary {
	return policySummary{Arn: c.policyARN(p), AwsManaged: p.awsManaged, Description: p.Description, Id: p.ID, Name: p.Name, Type: p.Type}
}

func policyNotFound() *jsonrpc.Error {
	return jsonrpc.Errorf(http.StatusBadRequest, "PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.")
}

func policyTypeParam(t string) *jsonrpc.Error {
	if _, ok := policyTypes[t]; !ok {
		return invalidInput("INVALID_ENUM", "You specified an invalid value for the policy type %q: trustgate serves SERVICE_CONTROL_POLICY and RESOURCE_CONTROL_POLICY.", t)
	}
	return nil
}

func (c *Call) enabled(typ string) bool { return slices.Contains(c.org.PolicyTypes, typ) }

// attachDefaults attaches, to a new OU or account, AWS's full-access
// policy of each enabled type, as Organizations does.
func (s *Service) attachDefaults(ctx context.Context, c *Call, target string) *jsonrpc.Error {
	for _, typ := range c.org.PolicyTypes {
		if err := s.store.AttachOrgPolicy(ctx, trustgate.OrgAttachment{PolicyID: fullAccess(typ).ID, TargetID: target}); err != nil && !errors.Is(err, trustgate.ErrConflict) {
			return internal(err)
		}
	}
	return nil
}

// policyTypeOnRoot reads the input of Enable/DisablePolicyType, checks
// it and authorizes action on the root.
func (s *Service) policyTypeOnRoot(ctx context.Context, c *Call, action string) (*struct{ RootId, PolicyType string }, *jsonrpc.Error) {
	var in struct{ RootId, PolicyType string }
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	if err := policyTypeParam(in.PolicyType); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, c, action, c.rootARN()); err != nil {
		return nil, err
	}
	if in.RootId != c.org.RootID {
		return nil, jsonrpc.Errorf(http.StatusBadRequest, "RootNotFoundException", "We can't find a root with the RootId that you specified.")
	}
	return &in, nil
}

// enablePolicyType enables a policy type on the root, attaching AWS's
// full-access policy of the type to the root, every OU and every account,
// so that nothing changes until policies that deny are attached.
func (s *Service) enablePolicyType(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	in, err := s.policyTypeOnRoot(ctx, c, "organizations:EnablePolicyType")
	if err != nil {
		return nil, err
	}
	if c.enabled(in.PolicyType) {
		return nil, jsonrpc.Errorf(http.StatusBadRequest, "PolicyTypeAlreadyEnabledException", "The specified policy type is already enabled.")
	}
	t, err := s.tree(ctx, c)
	if err != nil {
		return nil, err
	}
	full := fullAccess(in.PolicyType).ID
	targets := []string{t.rootID}
	for id := range t.ous {
		targets = append(targets, id)
	}
	for id := range t.accounts {
		targets = append(targets, id)
	}
	for _, target := range targets {
		if e := s.store.AttachOrgPolicy(ctx, trustgate.OrgAttachment{PolicyID: full, TargetID: target}); e != nil && !errors.Is(e, trustgate.ErrConflict) {
			return nil, internal(e)
		}
	}
	c.org.PolicyTypes = append(c.org.PolicyTypes, in.PolicyType)
	if e := s.store.SetPolicyTypes(ctx, c.org.PolicyTypes); e != nil {
		return nil, internal(e)
	}
	return struct{ Root rootElement }{c.rootOf()}, nil
}

// disablePolicyType disables a type and detaches every policy of it.
func (s *Service) disablePolicyType(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	in, err := s.policyTypeOnRoot(ctx, c, "organizations:DisablePolicyType")
	if err != nil {
		return nil, err
	}
	if !c.enabled(in.PolicyType) {
		return nil, jsonrpc.Errorf(http.StatusBadRequest, "PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types.")
	}
	c.org.PolicyTypes = slices.DeleteFunc(c.org.PolicyTypes, func(t string) bool { return t == in.PolicyType })
	if e := s.store.SetPolicyTypes(ctx, c.org.PolicyTypes); e != nil {
		return nil, internal(e)
	}
	attachments, e := s.store.OrgAttachments(ctx)
	if e != nil {
		return nil, internal(e)
	}
	for _, a := range attachments {
		if p, ok := s.lookupPolicy(ctx, a.PolicyID); ok && p.Type == in.PolicyType {
			if e := s.store.DetachOrgPolicy(ctx, a); e != nil && !errors.Is(e, trustgate.ErrNotFound) {
				return nil, internal(e)
			}
		}
	}
	return struct{ Root rootElement }{c.rootOf()}, nil
}

// policyContent checks a policy document of a type, within its quota.
func policyContent(doc, typ string) *jsonrpc.Error {
	if err := policy.OrgPolicyQuota.Check(doc); err != nil {
		return constraintViolation("POLICY_CONTENT_LIMIT_EXCEEDED", "%s", err.Error())
	}
	if _, err := policy.Parse(doc, policyTypes[typ].kind); err != nil {
		return jsonrpc.Errorf(http.StatusBadRequest, "MalformedPolicyDocumentException", "%s", err.Error())
	}
	return nil
}

func policyName(name string) *jsonrpc.Error {
	if len(name) < 1 || len(name) > 128 || !printable.MatchString(name) {
		return invalidInput("INVALID_PATTERN", "You specified an invalid value for Name: 1 to 128 printable characters.")
	}
	return nil
}

func (s *Service) createPolicy(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct {
		Content, Description, Name, Type string
		Tags                             []tagElement
	}
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	if err := policyTypeParam(in.Type); err != nil {
		return nil, err
	}
	if err := policyName(in.Name); err != nil {
		return nil, err
	}
	if len(in.Description) > 512 {
		return nil, invalidInput("MAX_LENGTH_EXCEEDED", "You specified an invalid value for Description: 512 characters at most.")
	}
	if err := policyContent(in.Content, in.Type); err != nil {
		return nil, err
	}
	tags, terr := tagsOf(in.Tags)
	if terr != nil {
		return nil, terr
	}
	if err := s.authorize(ctx, c, "organizations:CreatePolicy", "*"); err != nil {
		return nil, err
	}
	p := &orgPolicy{OrgPolicy: trustgate.OrgPolicy{ID: ids.OrganizationPolicy(), Name: in.Name, Description: in.Description, Type: in.Type, Document: in.Content}}
	if e := s.store.CreateOrgPolicy(ctx, &p.OrgPolicy); e != nil {
		if errors.Is(e, trustgate.ErrConflict) {
			return nil, jsonrpc.Errorf(http.StatusBadRequest, "DuplicatePolicyException", "A policy with the same name already exists.")
		}
		return nil, internal(e)
	}
	if len(tags) > 0 {
		if e := s.store.SetOrgTags(ctx, p.ID, tags); e != nil {
			return nil, internal(e)
		}
	}
	return struct{ Policy policyElement }{policyElement{Content: p.Document, PolicySummary: c.summaryOf(p)}}, nil
}

// authorizedPolicy finds the policy named by id and holds the caller to
// action on it.
func (s *Service) authorizedPolicy(ctx context.Context, c *Call, id, action string) (*orgPolicy, *jsonrpc.Error) {
	if !policyIDPattern.MatchString(id) {
		return nil, invalidInput("INVALID_PATTERN", "You specified an invalid value for PolicyId %q: p-... .", id)
	}
	p, ok := s.lookupPolicy(ctx, id)
	if !ok {
		return nil, policyNotFound()
	}
	if err := s.authorize(ctx, c, action, c.policyARN(p)); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Service) describePolicy(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct{ PolicyId string }
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	p, err := s.authorizedPolicy(ctx, c, in.PolicyId, "organizations:DescribePolicy")
	if err != nil {
		return nil, err
	}
	return struct{ Policy policyElement }{policyElement{Content: p.Document, PolicySummary: c.summaryOf(p)}}, nil
}

func (s *Service) updatePolicy(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct {
		PolicyId                   string
		Name, Description, Content *string
	}
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	p, err := s.authorizedPolicy(ctx, c, in.PolicyId, "organizations:UpdatePolicy")
	if err != nil {
		return nil, err
	}
	if p.awsManaged {
		return nil, jsonrpc.Errorf(http.StatusBadRequest, "AccessDeniedException", "You can't change an AWS managed policy.")
	}
	if in.Name != nil {
		if err := policyName(*in.Name); err != nil {
			return nil, err
		}
	}
	if in.Content != nil {
		if err := policyContent(*in.Content, p.Type); err != nil {
			return nil, err
		}
	}
	// Only what the call names changes, on the policy as it is by now (see
	// store.Store); the answer shows the policy as stored.
	e := s.store.UpdateOrgPolicy(ctx, p.ID, func(cur *trustgate.OrgPolicy) error {
		if in.Name != nil {
			cur.Name = *in.Name
		}
		if in.Description != nil {
			cur.Description = *in.Description
		}
		if in.Content != nil {
			cur.Document = *in.Content
		}
		p.OrgPolicy = *cur
		return nil
	})
	if e != nil {
		if errors.Is(e, trustgate.ErrConflict) {
			return nil, jsonrpc.Errorf(http.StatusBadRequest, "DuplicatePolicyException", "A policy with the same name already exists.")
		}
		return nil, storeError(e, policyNotFound())
	}
	return struct{ Policy policyElement }{policyElement{Content: p.Document, PolicySummary: c.summaryOf(p)}}, nil
}

func (s *Service) deletePolicy(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct{ PolicyId string }
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	p, err := s.authorizedPolicy(ctx, c, in.PolicyId, "organizations:DeletePolicy")
	if err != nil {
		return nil, err
	}
	if p.awsManaged {
		return nil, jsonrpc.Errorf(http.StatusBadRequest, "AccessDeniedException", "You can't delete an AWS managed policy.")
	}
	if e := s.store.DeleteOrgPolicy(ctx, p.ID); e != nil {
		if errors.Is(e, trustgate.ErrConflict) {
			return nil, jsonrpc.Errorf(http.StatusBadRequest, "PolicyInUseException",
				"The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.")
		}
		return nil, storeError(e, policyNotFound())
	}
	return nil, nil
}

func targetNotFound() *jsonrpc.Error {
	return jsonrpc.Errorf(http.StatusBadRequest, "TargetNotFoundException", "We can't find a root, OU, or account with the TargetId that you specified.")
}

// attachment reads PolicyId and TargetId, and checks that both exist.
func (s *Service) attachment(ctx context.Context, c *Call, action string) (*orgPolicy, *tree, trustgate.OrgAttachment, *jsonrpc.Error) {
	var in struct{ PolicyId, TargetId string }
	var a trustgate.OrgAttachment
	if err := c.Request.Params(&in); err != nil {
		return nil, nil, a, err
	}
	p, err := s.authorizedPolicy(ctx, c, in.PolicyId, action)
	if err != nil {
		return nil, nil, a, err
	}
	t, err := s.tree(ctx, c)
	if err != nil {
		return nil, nil, a, err
	}
	if t.kind(in.TargetId) == "" {
		return nil, nil, a, targetNotFound()
	}
	return p, t, trustgate.OrgAttachment{PolicyID: p.ID, TargetID: in.TargetId}, nil
}

func (s *Service) attachPolicy(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	p, _, a, err := s.attachment(ctx, c, "organizations:AttachPolicy")
	if err != nil {
		return nil, err
	}
	if !c.enabled(p.Type) {
		return nil, jsonrpc.Errorf(http.StatusBadRequest, "PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types.")
	}
	if e := s.store.AttachOrgPolicy(ctx, a); e != nil {
		if errors.Is(e, trustgate.ErrConflict) {
			return nil, jsonrpc.Errorf(http.StatusBadRequest, "DuplicatePolicyAttachmentException", "The selected policy is already attached to the specified target.")
		}
		return nil, internal(e)
	}
	return nil, nil
}

// detachPolicy detaches a policy; a target keeps at least one policy of
// each enabled type, as Organizations requires.
func (s *Service) detachPolicy(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	p, _, a, err := s.attachment(ctx, c, "organizations:DetachPolicy")
	if err != nil {
		return nil, err
	}
	all, e := s.store.OrgAttachments(ctx)
	if e != nil {
		return nil, internal(e)
	}
	attached, ofType := false, 0
	for _, x := range all {
		if x.TargetID != a.TargetID {
			continue
		}
		if x.PolicyID == a.PolicyID {
			attached = true
		}
		if q, ok := s.lookupPolicy(ctx, x.PolicyID); ok && q.Type == p.Type {
			ofType++
		}
	}
	if !attached {
		return nil, jsonrpc.Errorf(http.StatusBadRequest, "PolicyNotAttachedException", "The policy isn't attached to the specified target in the specified root.")
	}
	if p.ID == fullAccess(trustgate.ResourceControlPolicy).ID {
		return nil, invalidInput("NON_DETACHABLE_POLICY",
			"RCPFullAWSAccess stays attached to every root, OU and account while RCPs are enabled; attach RCPs that deny instead.")
	}
	if ofType <= 1 && c.enabled(p.Type) {
		return nil, constraintViolation("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
			"You attempted to detach a policy from an entity that would cause the entity to have fewer than the minimum number of policies of a certain type required.")
	}
	if e := s.store.DetachOrgPolicy(ctx, a); e != nil {
		return nil, storeError(e, jsonrpc.Errorf(http.StatusBadRequest, "PolicyNotAttachedException", "The policy isn't attached to the specified target in the specified root."))
	}
	return nil, nil
}

// allPolicies lists AWS's policies and the organization's, of a type.
func (s *Service) allPolicies(ctx context.Context, typ string) ([]*orgPolicy, *jsonrpc.Error) {
	var out []*orgPolicy
	for _, m := range managed.Organizations() {
		if p, ok := s.lookupPolicy(ctx, m.ID); ok && p.Type == typ {
			out = append(out, p)
		}
	}
	own, err := s.store.OrgPolicies(ctx)
	if err != nil {
		return nil, internal(err)
	}
	for _, p := range own {
		if p.Type == typ {
			out = append(out, &orgPolicy{OrgPolicy: *p})
		}
	}
	return out, nil
}

func (s *Service) summaryPage(c *Call, policies []*orgPolicy, in paging) (any, *jsonrpc.Error) {
	var out []policySummary
	for _, p := range policies {
		out = append(out, c.summaryOf(p))
	}
	items, next, err := page(out, in.MaxResults, in.NextToken, MaxListResults)
	if err != nil {
		return nil, err
	}
	return struct {
		Policies  []policySummary
		NextToken string `json:",omitempty"`
	}{nonNil(items), next}, nil
}

func (s *Service) listPolicies(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct {
		Filter string
		paging
	}
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	if err := policyTypeParam(in.Filter); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, c, "organizations:ListPolicies", "*"); err != nil {
		return nil, err
	}
	policies, err := s.allPolicies(ctx, in.Filter)
	if err != nil {
		return nil, err
	}
	return s.summaryPage(c, policies, in.paging)
}

func (s *Service) listPoliciesForTarget(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct {
		TargetId, Filter string
		paging
	}
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	if err := policyTypeParam(in.Filter); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, c, "organizations:ListPoliciesForTarget", "*"); err != nil {
		return nil, err
	}
	t, err := s.tree(ctx, c)
	if err != nil {
		return nil, err
	}
	if t.kind(in.TargetId) == "" {
		return nil, targetNotFound()
	}
	all, e := s.store.OrgAttachments(ctx)
	if e != nil {
		return nil, internal(e)
	}
	var policies []*orgPolicy
	for _, a := range all {
		if a.TargetID != in.TargetId {
			continue
		}
		if p, ok := s.lookupPolicy(ctx, a.PolicyID); ok && p.Type == in.Filter {
			policies = append(policies, p)
		}
	}
	return s.summaryPage(c, policies, in.paging)
}

func (s *Service) listTargetsForPolicy(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct {
		PolicyId string
		paging
	}
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	p, err := s.authorizedPolicy(ctx, c, in.PolicyId, "organizations:ListTargetsForPolicy")
	if err != nil {
		return nil, err
	}
	t, err := s.tree(ctx, c)
	if err != nil {
		return nil, err
	}
	all, e := s.store.OrgAttachments(ctx)
	if e != nil {
		return nil, internal(e)
	}
	var out []targetSummary
	for _, a := range all {
		if a.PolicyID != p.ID {
			continue
		}
		switch t.kind(a.TargetID) {
		case kindRoot:
			out = append(out, targetSummary{Arn: c.rootARN(), Name: "Root", TargetId: a.TargetID, Type: kindRoot})
		case kindOU:
			out = append(out, targetSummary{Arn: c.ouARN(a.TargetID), Name: t.ous[a.TargetID].Name, TargetId: a.TargetID, Type: kindOU})
		case kindAccount:
			out = append(out, targetSummary{Arn: c.accountARN(a.TargetID), Name: t.accounts[a.TargetID].Name, TargetId: a.TargetID, Type: kindAccount})
		}
	}
	items, next, perr := page(out, in.MaxResults, in.NextToken, MaxListResults)
	if perr != nil {
		return nil, perr
	}
	return struct {
		Targets   []targetSummary
		NextToken string `json:",omitempty"`
	}{nonNil(items), next}, nil
}

// describeEffectivePolicy answers as Organizations does for the types
// trustgate serves: effective policies are those of management policy
// types (tag, backup, ...), which SCPs and RCPs are not.
func (s *Service) describeEffectivePolicy(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct{ PolicyType, TargetId string }
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, c, "organizations:DescribeEffectivePolicy", "*"); err != nil {
		return nil, err
	}
	if _, ok := policyTypes[in.PolicyType]; ok {
		return nil, invalidInput("INVALID_ENUM_POLICY_TYPE",
			"You specified a policy type, %s, that has no effective policy: DescribeEffectivePolicy takes management policy types (TAG_POLICY, BACKUP_POLICY, ...).", in.PolicyType)
	}
	return nil, jsonrpc.Errorf(http.StatusBadRequest, "EffectivePolicyNotFoundException",
		"We can't find an effective policy of type %s: trustgate serves SCPs and RCPs only.", in.PolicyType)
}
