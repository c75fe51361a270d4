package iamapi

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/ids"
	"github.com/trustgate/trustgate/managed"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/protocol/query"
)

// MaxPolicyVersions is IAM's quota of versions per managed policy.
const MaxPolicyVersions = 5

// awsAccount stands, in a policy's account, for AWS itself: the owner of
// the AWS managed policies, arn:aws:iam::aws:policy/NAME.
const awsAccount = "aws"

// policyARNPattern is the shape of a managed policy's ARN: the account (or
// aws), the path and the name.
var policyARNPattern = regexp.MustCompile(`^arn:aws:iam::(aws|\d{12}):policy(/|/[\x21-\x7e]*/)([\w+=,.@-]{1,128})$`)

// versionIDPattern is IAM's pattern of a policy version id.
var versionIDPattern = regexp.MustCompile(`^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$`)

// policyElement is the Policy element of IAM's responses.
type policyElement struct {
	PolicyName                    string
	PolicyId                      string
	Arn                           string
	Path                          string
	DefaultVersionId              string
	AttachmentCount               int
	PermissionsBoundaryUsageCount int
	IsAttachable                  bool
	Description                   string `xml:",omitempty"`
	CreateDate                    string
	UpdateDate                    string
	Tags                          *tagList `xml:"Tags,omitempty"`
}

// versionElement is the PolicyVersion element; Document only where IAM
// returns it (GetPolicyVersion, GetAccountAuthorizationDetails).
type versionElement struct {
	Document         string `xml:",omitempty"`
	VersionId        string
	IsDefaultVersion bool
	CreateDate       string
}

func versionOf(v *trustgate.PolicyVersion, withDocument bool) versionElement {
	e := versionElement{VersionId: v.ID, IsDefaultVersion: v.Default, CreateDate: isoTime(v.CreatedAt)}
	if withDocument {
		e.Document = encodeDocument(v.Document)
	}
	return e
}

// awsManaged is an AWS managed identity policy in the shape of a customer
// managed one, with its one version.
func awsManaged(arn string) (*trustgate.ManagedPolicy, *trustgate.PolicyVersion, bool) {
	m, ok := managed.Lookup(arn)
	if !ok || m.Kind != policy.Identity {
		return nil, nil, false
	}
	p := &trustgate.ManagedPolicy{Account: awsAccount, Name: m.Name, ID: m.ID, Path: m.Path, Description: m.Description,
		DefaultVersion: m.DefaultVersion, CreatedAt: m.Created, UpdatedAt: m.Updated}
	return p, &trustgate.PolicyVersion{ID: m.DefaultVersion, Document: m.Document, Default: true, CreatedAt: m.Updated}, true
}

// awsManagedPolicies lists the AWS managed identity policies.
func awsManagedPolicies() []*trustgate.ManagedPolicy {
	var out []*trustgate.ManagedPolicy
	for _, m := range managed.All() {
		if p, _, ok := awsManaged(m.ARN); ok {
			out = append(out, p)
		}
	}
	return out
}

// policyARNParam reads a required managed policy ARN parameter; it
// returns the ARN and the account that owns it ("aws" for AWS's own).
func policyARNParam(c *Call, param string) (arn, account string, err *query.Error) {
	if !c.Request.Has(param) {
		return "", "", query.MissingParameter(param)
	}
	arn = c.Request.Get(param)
	if len(arn) < 20 || len(arn) > 2048 {
		return "", "", query.InvalidMember(arn, strings.ToLower(param[:1])+param[1:], "Member must have length between 20 and 2048")
	}
	m := policyARNPattern.FindStringSubmatch(arn)
	if m == nil {
		return "", "", query.Errorf(http.StatusBadRequest, "InvalidInput", "ARN %s is not valid.", arn)
	}
	return arn, m[1], nil
}

// lookupPolicy finds a managed policy, AWS's or the account's.
func (s *Service) lookupPolicy(ctx context.Context, arn string) (*trustgate.ManagedPolicy, error) {
	if strings.HasPrefix(arn, managed.IAMPrefix) {
		if p, _, ok := awsManaged(arn); ok {
			return p, nil
		}
		return nil, trustgate.ErrNotFound
	}
	return s.store.ManagedPolicy(ctx, arn)
}

// targetPolicy resolves the PolicyArn parameter and authorizes action on
// the policy. Reading an AWS managed policy is reading it in one's own
// account; changing one is changing AWS's, which no one may.
func (s *Service) targetPolicy(ctx context.Context, c *Call, action string, changes bool) (*trustgate.ManagedPolicy, *query.Error) {
	arn, owner, err := policyARNParam(c, "PolicyArn")
	if err != nil {
		return nil, err
	}
	if owner == awsAccount && !changes {
		owner = c.Principal.Account
	}
	var p *trustgate.ManagedPolicy
	var e error
	if owner == c.Principal.Account || owner == awsAccount {
		p, e = s.lookupPolicy(ctx, arn) // another account's is not the caller's to look up
	} else {
		e = trustgate.ErrNotFound
	}
	if e != nil && !errors.Is(e, trustgate.ErrNotFound) {
		return nil, internal(e)
	}
	var keys *policy.Context
	if p != nil {
		keys = resourceKeys(action, p)
	}
	if err := s.authorizeOn(ctx, c, action, arn, owner, keys); err != nil {
		return nil, err
	}
	if p == nil {
		return nil, query.Errorf(http.StatusNotFound, "NoSuchEntity", "Policy %s was not found.", arn)
	}
	return p, nil
}

// attachable reports whether the caller's account may attach the managed
// policy arn, or make it a permissions boundary: an AWS managed identity
// policy, or a customer managed policy of the account.
func (s *Service) attachable(ctx context.Context, c *Call, arn string) (bool, *query.Error) {
	m := policyARNPattern.FindStringSubmatch(arn)
	if m == nil || (m[1] != awsAccount && m[1] != c.Principal.Account) {
		return false, nil
	}
	_, err := s.lookupPolicy(ctx, arn)
	if errors.Is(err, trustgate.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, internal(err)
	}
	return true, nil
}

func notAttachable(arn string) *query.Error {
	return query.Errorf(http.StatusNotFound, "NoSuchEntity", "Policy %s does not exist or is not attachable.", arn)
}

// boundaryParam reads the PermissionsBoundary parameter, "" when it is
// absent (unless required), and makes it the request's
// iam:PermissionsBoundary. Whether the policy may be a boundary is for
// checkBoundary to say, once the action is authorized.
func boundaryParam(c *Call, required bool) (string, *query.Error) {
	if !c.Request.Has("PermissionsBoundary") && !required {
		return "", nil
	}
	arn, _, err := policyARNParam(c, "PermissionsBoundary")
	if err != nil {
		return "", err
	}
	c.setKey("iam:PermissionsBoundary", arn)
	return arn, nil
}

// checkBoundary says whether a policy may be the account's entities'
// permissions boundary ("" is no boundary).
func (s *Service) checkBoundary(ctx context.Context, c *Call, arn string) *query.Error {
	if arn == "" {
		return nil
	}
	ok, err := s.attachable(ctx, c, arn)
	if err != nil {
		return err
	}
	if !ok {
		return notAttachable(arn)
	}
	return nil
}

// element describes a policy as IAM does, with its use in the caller's
// account counted.
func (s *Service) element(ctx context.Context, c *Call, p *trustgate.ManagedPolicy, detailed bool) (policyElement, *query.Error) {
	attached, bounded, err := s.store.PolicyUses(ctx, c.Principal.Account, p.ARN())
	if err != nil {
		return policyElement{}, internal(err)
	}
	e := policyElement{PolicyName: p.Name, PolicyId: p.ID, Arn: p.ARN(), Path: p.Path, DefaultVersionId: p.DefaultVersion,
		AttachmentCount: len(attached), PermissionsBoundaryUsageCount: len(bounded), IsAttachable: true,
		CreateDate: isoTime(p.CreatedAt), UpdateDate: isoTime(p.UpdatedAt)}
	if detailed {
		e.Description, e.Tags = p.Description, tagsOf(p.Tags)
	}
	return e, nil
}

func (s *Service) createPolicy(ctx context.Context, c *Call) (any, *query.Error) {
	n, err := name(c, "PolicyName", 128)
	if err != nil {
		return nil, err
	}
	p, err := path(c)
	if err != nil {
		return nil, err
	}
	doc, _, err := document(c, "PolicyDocument", policy.Identity, policy.ManagedPolicyQuota)
	if err != nil {
		return nil, err
	}
	description := c.Request.Get("Description")
	if len(description) > 1000 {
		return nil, query.InvalidMember(description, "description", "Member must have length less than or equal to 1000")
	}
	tg, err := tags(c, "TagsPerPolicy")
	if err != nil {
		return nil, err
	}
	mp := &trustgate.ManagedPolicy{Account: c.Principal.Account, Name: n, ID: ids.Unique(ids.Policy), Path: p,
		Description: description, Tags: tg, CreatedAt: s.now()}
	if err := s.authorizeCreate(ctx, c, "iam:CreatePolicy", "iam:TagPolicy", mp.ARN(), tg); err != nil {
		return nil, err
	}
	if e := s.store.CreateManagedPolicy(ctx, mp, doc); e != nil {
		if errors.Is(e, trustgate.ErrConflict) {
			return nil, query.Errorf(http.StatusConflict, "EntityAlreadyExists", "A policy called %s already exists. Duplicate names are not allowed.", n)
		}
		return nil, internal(e)
	}
	out, err := s.element(ctx, c, mp, false)
	out.Tags = tagsOf(mp.Tags)
	return struct{ Policy policyElement }{out}, err
}

func (s *Service) getPolicy(ctx context.Context, c *Call) (any, *query.Error) {
	p, err := s.targetPolicy(ctx, c, "iam:GetPolicy", false)
	if err != nil {
		return nil, err
	}
	out, err := s.element(ctx, c, p, true)
	return struct{ Policy policyElement }{out}, err
}

func (s *Service) deletePolicy(ctx context.Context, c *Call) (any, *query.Error) {
	p, err := s.targetPolicy(ctx, c, "iam:DeletePolicy", true)
	if err != nil {
		return nil, err
	}
	e := s.store.DeleteManagedPolicy(ctx, p.ARN())
	if !errors.Is(e, trustgate.ErrConflict) {
		return nil, storeErrorOr(e, "policy "+p.ARN())
	}
	// Say which dependents stand in the way, in IAM's words.
	attached, bounded, ue := s.store.PolicyUses(ctx, c.Principal.Account, p.ARN())
	if ue == nil && len(attached)+len(bounded) == 0 {
		return nil, query.Errorf(http.StatusConflict, "DeleteConflict",
			"This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	}
	return nil, query.Errorf(http.StatusConflict, "DeleteConflict", "Cannot delete a policy attached to entities.")
}

// storeErrorOr maps a store error, if any, as storeError does.
func storeErrorOr(err error, what string) *query.Error {
	if err == nil {
		return nil
	}
	return storeError(err, what)
}

func (s *Service) listPolicies(ctx context.Context, c *Call) (any, *query.Error) {
	scope := c.Request.Get("Scope")
	if !c.Request.Has("Scope") {
		scope = "All"
	}
	if scope != "All" && scope != "AWS" && scope != "Local" {
		return nil, query.InvalidMember(scope, "scope", "Member must satisfy enum value set: [All, AWS, Local]")
	}
	usage, err := usageFilter(c)
	if err != nil {
		return nil, err
	}
	onlyAttached := strings.EqualFold(c.Request.Get("OnlyAttached"), "true")
	prefix, perr := pathPrefix(c)
	if perr != nil {
		return nil, perr
	}
	if err := s.authorize(ctx, c, "iam:ListPolicies", "arn:aws:iam::"+c.Principal.Account+":policy/"); err != nil {
		return nil, err
	}
	var all []*trustgate.ManagedPolicy
	if scope != "Local" {
		for _, p := range awsManagedPolicies() {
			if strings.HasPrefix(p.Path, prefix) {
				all = append(all, p)
			}
		}
	}
	if scope != "AWS" {
		local, e := s.store.ManagedPolicies(ctx, c.Principal.Account, prefix)
		if e != nil {
			return nil, internal(e)
		}
		all = append(all, local...)
	}
	var elements []policyElement
	for _, p := range all {
		e, err := s.element(ctx, c, p, false)
		if err != nil {
			return nil, err
		}
		inUse := (usage != "PermissionsBoundary" && e.AttachmentCount > 0) || (usage != "PermissionsPolicy" && e.PermissionsBoundaryUsageCount > 0)
		if onlyAttached && !inUse {
			continue
		}
		elements = append(elements, e)
	}
	items, pg, err := paginate(c, elements)
	if err != nil {
		return nil, err
	}
	return struct {
		Policies struct {
			Member []policyElement `xml:"member"`
		}
		page
	}{Policies: struct {
		Member []policyElement `xml:"member"`
	}{items}, page: pg}, nil
}

// usageFilter reads PolicyUsageFilter: PermissionsPolicy, PermissionsBoundary
// or "" for both.
func usageFilter(c *Call) (string, *query.Error) {
	v := c.Request.Get("PolicyUsageFilter")
	if c.Request.Has("PolicyUsageFilter") && v != "PermissionsPolicy" && v != "PermissionsBoundary" {
		return "", query.InvalidMember(v, "policyUsageFilter", "Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]")
	}
	return v, nil
}

// versionIDParam reads the VersionId parameter.
func versionIDParam(c *Call) (string, *query.Error) {
	if !c.Request.Has("VersionId") {
		return "", query.MissingParameter("VersionId")
	}
	v := c.Request.Get("VersionId")
	if !versionIDPattern.MatchString(v) {
		return "", query.InvalidMember(v, "versionId", `Member must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`)
	}
	return v, nil
}

func noSuchVersion(arn, id string) *query.Error {
	return query.Errorf(http.StatusNotFound, "NoSuchEntity", "Policy %s version %s does not exist or is not attachable.", arn, id)
}

func (s *Service) createPolicyVersion(ctx context.Context, c *Call) (any, *query.Error) {
	doc, _, err := document(c, "PolicyDocument", policy.Identity, policy.ManagedPolicyQuota)
	if err != nil {
		return nil, err
	}
	p, err := s.targetPolicy(ctx, c, "iam:CreatePolicyVersion", true)
	if err != nil {
		return nil, err
	}
	v := &trustgate.PolicyVersion{Document: doc, Default: strings.EqualFold(c.Request.Get("SetAsDefault"), "true"), CreatedAt: s.now()}
	if e := s.store.CreatePolicyVersion(ctx, p.ARN(), v, MaxPolicyVersions); e != nil {
		if errors.Is(e, trustgate.ErrLimit) {
			return nil, query.Errorf(http.StatusConflict, "LimitExceeded",
				"A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", MaxPolicyVersions)
		}
		return nil, storeError(e, "policy "+p.ARN())
	}
	return struct{ PolicyVersion versionElement }{versionOf(v, false)}, nil
}

// policyVersion finds a version of a managed policy, AWS's or the account's.
func (s *Service) policyVersion(ctx context.Context, p *trustgate.ManagedPolicy, id string) (*trustgate.PolicyVersion, error) {
	if p.Account == awsAccount {
		if _, v, ok := awsManaged(p.ARN()); ok && (id == "" || v.ID == id) {
			return v, nil
		}
		return nil, trustgate.ErrNotFound
	}
	return s.store.PolicyVersion(ctx, p.ARN(), id)
}

func (s *Service) getPolicyVersion(ctx context.Context, c *Call) (any, *query.Error) {
	id, err := versionIDParam(c)
	if err != nil {
		return nil, err
	}
	p, err := s.targetPolicy(ctx, c, "iam:GetPolicyVersion", false)
	if err != nil {
		return nil, err
	}
	v, e := s.policyVersion(ctx, p, id)
	if errors.Is(e, trustgate.ErrNotFound) {
		return nil, noSuchVersion(p.ARN(), id)
	}
	if e != nil {
		return nil, internal(e)
	}
	return struct{ PolicyVersion versionElement }{versionOf(v, true)}, nil
}

// versions lists a policy's versions, newest first.
func (s *Service) versions(ctx context.Context, p *trustgate.ManagedPolicy) ([]*trustgate.PolicyVersion, *query.Error) {
	if p.Account == awsAccount {
		v, _ := s.policyVersion(ctx, p, "")
		return []*trustgate.PolicyVersion{v}, nil
	}
	vs, e := s.store.PolicyVersions(ctx, p.ARN())
	if e != nil {
		return nil, storeError(e, "policy "+p.ARN())
	}
	return vs, nil
}

func (s *Service) listPolicyVersions(ctx context.Context, c *Call) (any, *query.Error) {
	p, err := s.targetPolicy(ctx, c, "iam:ListPolicyVersions", false)
	if err != nil {
		return nil, err
	}
	all, err := s.versions(ctx, p)
	if err != nil {
		return nil, err
	}
	items, pg, err := paginate(c, all)
	if err != nil {
		return nil, err
	}
	out := struct {
		Versions struct {
			Member []versionElement `xml:"member"`
		}
		page
	}{page: pg}
	for _, v := range items {
		out.Versions.Member = append(out.Versions.Member, versionOf(v, false))
	}
	return out, nil
}

func (s *Service) deletePolicyVersion(ctx context.Context, c *Call) (any, *query.Error) {
	id, err := versionIDParam(c)
	if err != nil {
		return nil, err
	}
	p, err := s.targetPolicy(ctx, c, "iam:DeletePolicyVersion", true)
	if err != nil {
		return nil, err
	}
	switch e := s.store.DeletePolicyVersion(ctx, p.ARN(), id); {
	case errors.Is(e, trustgate.ErrConflict):
		return nil, query.Errorf(http.StatusConflict, "DeleteConflict", "Cannot delete the default version of a policy.")
	case errors.Is(e, trustgate.ErrNotFound):
		return nil, noSuchVersion(p.ARN(), id)
	case e != nil:
		return nil, internal(e)
	}
	return nil, nil
}

func (s *Service) setDefaultPolicyVersion(ctx context.Context, c *Call) (any, *query.Error) {
	id, err := versionIDParam(c)
	if err != nil {
		return nil, err
	}
	p, err := s.targetPolicy(ctx, c, "iam:SetDefaultPolicyVersion", true)
	if err != nil {
		return nil, err
	}
	switch e := s.store.SetDefaultPolicyVersion(ctx, p.ARN(), id); {
	case errors.Is(e, trustgate.ErrNotFound):
		return nil, noSuchVersion(p.ARN(), id)
	case e != nil:
		return nil, internal(e)
	}
	return nil, nil
}

// entityFilters are ListEntitiesForPolicy's EntityFilter values; the last
// two filter policies, not entities, and leave no entity.
var entityFilters = map[string]trustgate.EntityKind{"User": trustgate.UserEntity, "Group": trustgate.GroupEntity, "Role": trustgate.RoleEntity,
	"LocalManagedPolicy": "", "AWSManagedPolicy": ""}

func (s *Service) listEntitiesForPolicy(ctx context.Context, c *Call) (any, *query.Error) {
	filter := c.Request.Get("EntityFilter")
	kind, ok := entityFilters[filter]
	if c.Request.Has("EntityFilter") && !ok {
		return nil, query.InvalidMember(filter, "entityFilter", "Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]")
	}
	usage, err := usageFilter(c)
	if err != nil {
		return nil, err
	}
	prefix, perr := pathPrefix(c)
	if perr != nil {
		return nil, perr
	}
	p, err := s.targetPolicy(ctx, c, "iam:ListEntitiesForPolicy", false)
	if err != nil {
		return nil, err
	}
	attached, bounded, e := s.store.PolicyUses(ctx, c.Principal.Account, p.ARN())
	if e != nil {
		return nil, internal(e)
	}
	var uses []trustgate.Entity
	if usage != "PermissionsBoundary" {
		uses = append(uses, attached...)
	}
	if usage != "PermissionsPolicy" {
		uses = append(uses, bounded...)
	}
	type named struct {
		kind     trustgate.EntityKind
		name, id string
	}
	var found []named
	seen := map[trustgate.Entity]bool{}
	for _, u := range uses {
		if (filter != "" && u.Kind != kind) || seen[u] {
			continue
		}
		seen[u] = true
		var entityPath, id, n string
		var e error
		switch u.Kind {
		case trustgate.UserEntity:
			var x *trustgate.User
			if x, e = s.store.User(ctx, u.Account, u.Name); e == nil {
				entityPath, id, n = x.Path, x.ID, x.Name
			}
		case trustgate.GroupEntity:
			var x *trustgate.Group
			if x, e = s.store.Group(ctx, u.Account, u.Name); e == nil {
				entityPath, id, n = x.Path, x.ID, x.Name
			}
		case trustgate.RoleEntity:
			var x *trustgate.Role
			if x, e = s.store.Role(ctx, u.Account, u.Name); e == nil {
				entityPath, id, n = x.Path, x.ID, x.Name
			}
		}
		if e != nil {
			return nil, internal(e)
		}
		if strings.HasPrefix(entityPath, prefix) {
			found = append(found, named{u.Kind, n, id})
		}
	}
	items, pg, err := paginate(c, found)
	if err != nil {
		return nil, err
	}
	type group struct{ GroupName, GroupId string }
	type user struct{ UserName, UserId string }
	type role struct{ RoleName, RoleId string }
	out := struct {
		PolicyGroups struct {
			Member []group `xml:"member"`
		}
		PolicyUsers struct {
			Member []user `xml:"member"`
		}
		PolicyRoles struct {
			Member []role `xml:"member"`
		}
		page
	}{page: pg}
	for _, f := range items {
		switch f.kind {
		case trustgate.GroupEntity:
			out.PolicyGroups.Member = append(out.PolicyGroups.Member, group{f.name, f.id})
		case trustgate.UserEntity:
			out.PolicyUsers.Member = append(out.PolicyUsers.Member, user{f.name, f.id})
		case trustgate.RoleEntity:
			out.PolicyRoles.Member = append(out.PolicyRoles.Member, role{f.name, f.id})
		}
	}
	return out, nil
}

func (s *Service) tagPolicy(ctx context.Context, c *Call) (any, *query.Error) {
	added, err := tags(c, "TagsPerPolicy")
	if err != nil {
		return nil, err
	}
	if len(added) == 0 {
		return nil, query.MissingParameter("Tags")
	}
	setRequestTags(c, added)
	p, err := s.targetPolicy(ctx, c, "iam:TagPolicy", true)
	if err != nil {
		return nil, err
	}
	return nil, s.changePolicyTags(ctx, p, func(tags []trustgate.Tag) ([]trustgate.Tag, *query.Error) {
		return mergeTags(tags, added, "TagsPerPolicy")
	})
}

func (s *Service) untagPolicy(ctx context.Context, c *Call) (any, *query.Error) {
	keys := c.Request.Members("TagKeys")
	if len(keys) == 0 {
		return nil, query.MissingParameter("TagKeys")
	}
	c.setKey("aws:TagKeys", keys...)
	p, err := s.targetPolicy(ctx, c, "iam:UntagPolicy", true)
	if err != nil {
		return nil, err
	}
	return nil, s.changePolicyTags(ctx, p, func(tags []trustgate.Tag) ([]trustgate.Tag, *query.Error) {
		return withoutTags(tags, keys), nil
	})
}

// changePolicyTags applies change to the tags of customer managed policy
// p as they are stored by now, in one step (see store.Store). A policy
// deleted and made again under p's ARN since is not p: the change fails
// as for a policy that is gone.
func (s *Service) changePolicyTags(ctx context.Context, p *trustgate.ManagedPolicy, change func([]trustgate.Tag) ([]trustgate.Tag, *query.Error)) *query.Error {
	err := s.store.UpdateManagedPolicyTags(ctx, p.ARN(), func(cur *trustgate.ManagedPolicy) error {
		if cur.ID != p.ID {
			return trustgate.ErrNotFound
		}
		tags, err := change(cur.Tags)
		cur.Tags = tags
		return asError(err)
	})
	return answer(err, "policy "+p.ARN())
}

func (s *Service) listPolicyTags(ctx context.Context, c *Call) (any, *query.Error) {
	p, err := s.targetPolicy(ctx, c, "iam:ListPolicyTags", false)
	if err != nil {
		return nil, err
	}
	return tagPage(c, p.Tags)
}
