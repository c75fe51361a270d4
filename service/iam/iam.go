// Package iamapi serves AWS Identity and Access Management over the Query
// protocol: users, access keys, groups, roles and their policies. Every
// action is authorized first, with the caller's policies, as in AWS.
package iamapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/access"
	"github.com/trustgate/trustgate/authmsg"
	"github.com/trustgate/trustgate/authz"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/protocol/query"
	"github.com/trustgate/trustgate/store"
)

// Namespace is the XML namespace of IAM's responses.
const Namespace = "https://iam.amazonaws.com/doc/" + APIVersion + "/"

// APIVersion is the one Version of IAM's API; a request naming another, or
// none, has no operation to call (note 72).
const APIVersion = "2010-05-08"

// Service answers IAM actions.
type Service struct {
	store  store.Store
	access *access.Checker
	now    func() time.Time
}

// New returns the IAM service.
func New(st store.Store, checker *access.Checker, now func() time.Time) *Service {
	return &Service{store: st, access: checker, now: now}
}

// Call is one IAM request from an authenticated caller.
type Call struct {
	Principal *trustgate.Principal
	Request   *query.Request
	// Facts about the connection, for condition keys.
	access.Origin

	// requestKeys are the condition keys of the request itself
	// (aws:RequestTag/*, aws:TagKeys, iam:PermissionsBoundary,
	// iam:PolicyARN), which handlers set before authorizing.
	requestKeys *policy.Context
}

// setKey sets a condition key of the request.
func (c *Call) setKey(key string, values ...string) {
	if c.requestKeys == nil {
		c.requestKeys = policy.NewContext()
	}
	c.requestKeys.Set(key, values...)
}

type handler func(s *Service, ctx context.Context, c *Call) (any, *query.Error)

// actions is IAM's route table: every action trustgate serves.
var actions = map[string]handler{
	"CreateUser":                     (*Service).createUser,
	"GetUser":                        (*Service).getUser,
	"ListUsers":                      (*Service).listUsers,
	"DeleteUser":                     (*Service).deleteUser,
	"UpdateUser":                     (*Service).updateUser,
	"PutUserPermissionsBoundary":     (*Service).putUserPermissionsBoundary,
	"DeleteUserPermissionsBoundary":  (*Service).deleteUserPermissionsBoundary,
	"TagUser":                        (*Service).tagUser,
	"UntagUser":                      (*Service).untagUser,
	"ListUserTags":                   (*Service).listUserTags,
	"CreateAccessKey":                (*Service).createAccessKey,
	"ListAccessKeys":                 (*Service).listAccessKeys,
	"UpdateAccessKey":                (*Service).updateAccessKey,
	"DeleteAccessKey":                (*Service).deleteAccessKey,
	"GetAccessKeyLastUsed":           (*Service).getAccessKeyLastUsed,
	"CreateGroup":                    (*Service).createGroup,
	"GetGroup":                       (*Service).getGroup,
	"DeleteGroup":                    (*Service).deleteGroup,
	"UpdateGroup":                    (*Service).updateGroup,
	"ListGroups":                     (*Service).listGroups,
	"AddUserToGroup":                 (*Service).addUserToGroup,
	"RemoveUserFromGroup":            (*Service).removeUserFromGroup,
	"ListGroupsForUser":              (*Service).listGroupsForUser,
	"CreateRole":                     (*Service).createRole,
	"GetRole":                        (*Service).getRole,
	"ListRoles":                      (*Service).listRoles,
	"DeleteRole":                     (*Service).deleteRole,
	"UpdateAssumeRolePolicy":         (*Service).updateAssumeRolePolicy,
	"UpdateRole":                     (*Service).updateRole,
	"PutRolePermissionsBoundary":     (*Service).putRolePermissionsBoundary,
	"DeleteRolePermissionsBoundary":  (*Service).deleteRolePermissionsBoundary,
	"TagRole":                        (*Service).tagRole,
	"UntagRole":                      (*Service).untagRole,
	"ListRoleTags":                   (*Service).listRoleTags,
	"PutUserPolicy":                  inline(trustgate.UserEntity).put,
	"GetUserPolicy":                  inline(trustgate.UserEntity).get,
	"DeleteUserPolicy":               inline(trustgate.UserEntity).delete,
	"ListUserPolicies":               inline(trustgate.UserEntity).list,
	"PutGroupPolicy":                 inline(trustgate.GroupEntity).put,
	"GetGroupPolicy":                 inline(trustgate.GroupEntity).get,
	"DeleteGroupPolicy":              inline(trustgate.GroupEntity).delete,
	"ListGroupPolicies":              inline(trustgate.GroupEntity).list,
	"PutRolePolicy":                  inline(trustgate.RoleEntity).put,
	"GetRolePolicy":                  inline(trustgate.RoleEntity).get,
	"DeleteRolePolicy":               inline(trustgate.RoleEntity).delete,
	"ListRolePolicies":               inline(trustgate.RoleEntity).list,
	"AttachUserPolicy":               attached(trustgate.UserEntity).attach,
	"DetachUserPolicy":               attached(trustgate.UserEntity).detach,
	"ListAttachedUserPolicies":       attached(trustgate.UserEntity).list,
	"AttachGroupPolicy":              attached(trustgate.GroupEntity).attach,
	"DetachGroupPolicy":              attached(trustgate.GroupEntity).detach,
	"ListAttachedGroupPolicies":      attached(trustgate.GroupEntity).list,
	"AttachRolePolicy":               attached(trustgate.RoleEntity).attach,
	"DetachRolePolicy":               attached(trustgate.RoleEntity).detach,
	"ListAttachedRolePolicies":       attached(trustgate.RoleEntity).list,
	"CreateLoginProfile":             (*Service).createLoginProfile,
	"GetLoginProfile":                (*Service).getLoginProfile,
	"UpdateLoginProfile":             (*Service).updateLoginProfile,
	"DeleteLoginProfile":             (*Service).deleteLoginProfile,
	"CreateAccountAlias":             (*Service).createAccountAlias,
	"DeleteAccountAlias":             (*Service).deleteAccountAlias,
	"ListAccountAliases":             (*Service).listAccountAliases,
	"GetAccountAuthorizationDetails": (*Service).getAccountAuthorizationDetails,
	"CreatePolicy":                   (*Service).createPolicy,
	"GetPolicy":                      (*Service).getPolicy,
	"DeletePolicy":                   (*Service).deletePolicy,
	"ListPolicies":                   (*Service).listPolicies,
	"CreatePolicyVersion":            (*Service).createPolicyVersion,
	"GetPolicyVersion":               (*Service).getPolicyVersion,
	"ListPolicyVersions":             (*Service).listPolicyVersions,
	"DeletePolicyVersion":            (*Service).deletePolicyVersion,
	"SetDefaultPolicyVersion":        (*Service).setDefaultPolicyVersion,
	"ListEntitiesForPolicy":          (*Service).listEntitiesForPolicy,
	"TagPolicy":                      (*Service).tagPolicy,
	"UntagPolicy":                    (*Service).untagPolicy,
	"ListPolicyTags":                 (*Service).listPolicyTags,
	"CreateVirtualMFADevice":         (*Service).createVirtualMFADevice,
	"EnableMFADevice":                (*Service).enableMFADevice,
	"DeactivateMFADevice":            (*Service).deactivateMFADevice,
	"DeleteVirtualMFADevice":         (*Service).deleteVirtualMFADevice,
	"ListMFADevices":                 (*Service).listMFADevices,
	"ListVirtualMFADevices":          (*Service).listVirtualMFADevices,
	"SimulatePrincipalPolicy":        (*Service).simulatePrincipalPolicy,
	"SimulateCustomPolicy":           (*Service).simulateCustomPolicy,
}

// Serve runs the call's action and returns its result element, or an
// AWS error.
func (s *Service) Serve(ctx context.Context, c *Call) (any, *query.Error) {
	h, ok := actions[c.Request.Action]
	if !ok || c.Request.Version != APIVersion {
		return nil, query.InvalidAction(c.Request.Action, c.Request.Version)
	}
	if c.Principal.UserSession() && c.Principal.MFAAuthenticated.IsZero() || c.Principal.Kind == policy.FederatedUser {
		// IAM takes a GetSessionToken session only with MFA (note 26), and
		// a federated user's never (note 54).
		return nil, query.Errorf(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
	}
	return h(s, ctx, c)
}

// authorize asks the caller's policies whether it may perform action on
// resource, an ARN in the caller's account.
func (s *Service) authorize(ctx context.Context, c *Call, action, resource string) *query.Error {
	return s.authorizeOn(ctx, c, action, resource, c.Principal.Account, nil)
}

// authorizeOn asks whether the caller may perform action on resource, an
// ARN of resourceAccount, with resourceKeys (the resource's tags and
// boundary) and the request's own keys as condition keys.
func (s *Service) authorizeOn(ctx context.Context, c *Call, action, resource, resourceAccount string, resourceKeys *policy.Context) *query.Error {
	keys := resourceKeys // made for this call; the request's own keys go over it
	if keys == nil {
		keys = policy.NewContext()
	}
	if c.requestKeys != nil {
		for _, k := range c.requestKeys.Keys() {
			v, _ := c.requestKeys.Get(k)
			keys.Set(k, v...)
		}
	}
	r, err := s.access.Check(ctx, &access.Request{
		Principal: c.Principal, Action: action, Resource: resource, ResourceAccount: resourceAccount,
		Context: keys, Origin: c.Origin,
	})
	if err != nil {
		return internal(err)
	}
	if r.Decision != authz.Allow {
		e := query.Errorf(http.StatusForbidden, "AccessDenied", "%s", access.DeniedMessage(c.Principal, action, resource, r))
		e.Denial = authmsg.New(c.Principal, action, resource, r, keys)
		return e
	}
	return nil
}

// boundaryActions are the actions whose condition keys name the target
// user's or role's permissions boundary, iam:PermissionsBoundary (note 46).
var boundaryActions = map[string]bool{}

func init() {
	for _, kind := range []string{"User", "Role"} {
		for _, verb := range []string{"Attach%sPolicy", "Detach%sPolicy", "Put%sPolicy", "Delete%sPolicy", "Delete%sPermissionsBoundary", "Put%sPermissionsBoundary"} {
			boundaryActions["iam:"+fmt.Sprintf(verb, kind)] = true
		}
	}
}

// resourceKeys are the condition keys an action on an entity or managed
// policy takes from it: aws:ResourceTag/* of its tags, and, for the
// actions that have it, iam:PermissionsBoundary of its boundary.
func resourceKeys(action string, v any) *policy.Context {
	keys := policy.NewContext()
	var tags []trustgate.Tag
	var boundary string
	switch e := v.(type) {
	case *trustgate.User:
		tags, boundary = e.Tags, e.Boundary
	case *trustgate.Role:
		tags, boundary = e.Tags, e.Boundary
	case *trustgate.ManagedPolicy:
		tags = e.Tags
	}
	for _, t := range tags {
		keys.Set("aws:ResourceTag/"+t.Key, t.Value)
	}
	if boundary != "" && boundaryActions[action] {
		keys.Set("iam:PermissionsBoundary", boundary)
	}
	return keys
}

// resolve looks up the user, group or role an action is about and
// authorizes the action on it. The action is authorized before the
// entity's absence is reported, on the ARN it would have, as IAM does.
func resolve[T interface{ ARN() string }](s *Service, ctx context.Context, c *Call, action string,
	kind trustgate.EntityKind, name string, lookup func(ctx context.Context, account, name string) (T, error)) (T, *query.Error) {
	v, e := lookup(ctx, c.Principal.Account, name)
	resource := arnOf(c, kind, "/", name)
	var keys *policy.Context
	if e == nil {
		resource, keys = v.ARN(), resourceKeys(action, v)
	}
	if err := s.authorizeOn(ctx, c, action, resource, c.Principal.Account, keys); err != nil {
		return v, err
	}
	if e != nil {
		return v, storeError(e, string(kind)+" with name "+name)
	}
	return v, nil
}

// arnOf is the ARN of a user, group or role of the caller's account.
func arnOf(c *Call, kind trustgate.EntityKind, path, name string) string {
	if path == "" {
		path = "/"
	}
	return "arn:aws:iam::" + c.Principal.Account + ":" + string(kind) + path + name
}

// Parameter checks, with IAM's constraints and ValidationError wording.
var (
	namePattern = regexp.MustCompile(`^[\w+=,.@-]+$`)
	pathPattern = regexp.MustCompile(`^/([\x21-\x7e]*/)?$`)
	// pathPrefixPattern is what a listing's PathPrefix may be.
	pathPrefixPattern = regexp.MustCompile(`^/[\x21-\x7f]*$`)
)

// name reads a required name parameter of at most max characters.
func name(c *Call, param string, max int) (string, *query.Error) {
	if !c.Request.Has(param) {
		return "", query.MissingParameter(param)
	}
	v := c.Request.Get(param)
	return v, checkName(v, param, max)
}

// checkName applies IAM's name constraints to the value of param.
func checkName(v, param string, max int) *query.Error {
	member := strings.ToLower(param[:1]) + param[1:]
	if err := query.CheckLength(v, member, 1, max); err != nil {
		return err
	}
	if !namePattern.MatchString(v) {
		return query.InvalidMember(v, member, `Member must satisfy regular expression pattern: [\w+=,.@-]+`)
	}
	return nil
}

// pathPrefix reads the optional PathPrefix of a listing; "/" when absent.
func pathPrefix(c *Call) (string, *query.Error) {
	p := c.Request.Get("PathPrefix")
	if !c.Request.Has("PathPrefix") {
		return "/", nil
	}
	if err := query.CheckLength(p, "pathPrefix", 1, 512); err != nil {
		return "", err
	}
	if !pathPrefixPattern.MatchString(p) {
		return "", query.InvalidMember(p, "pathPrefix", `Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`)
	}
	return p, nil
}

// path reads an optional Path parameter; "/" when absent.
func path(c *Call) (string, *query.Error) {
	p := c.Request.Get("Path")
	if !c.Request.Has("Path") {
		return "/", nil
	}
	if len(p) > 512 || !pathPattern.MatchString(p) {
		return "", query.InvalidMember(p, "path", `Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`)
	}
	return p, nil
}

// document reads a policy document parameter and validates it as kind
// within quota; it returns the document and its parsed form.
func document(c *Call, param string, kind policy.Kind, quota policy.Quota) (string, *policy.Policy, *query.Error) {
	if !c.Request.Has(param) {
		return "", nil, query.MissingParameter(param)
	}
	doc := c.Request.Get(param)
	if err := quota.Check(doc); err != nil {
		return "", nil, query.Errorf(http.StatusConflict, "LimitExceeded", "%s", err.Error())
	}
	p, err := policy.Parse(doc, kind)
	if err != nil {
		return "", nil, query.Errorf(http.StatusBadRequest, "MalformedPolicyDocument", "%s", err.Error())
	}
	return doc, p, nil
}

// storeError maps a store error kind to IAM's error for the entity.
func storeError(err error, what string) *query.Error {
	switch {
	case errors.Is(err, trustgate.ErrNotFound):
		return query.Errorf(http.StatusNotFound, "NoSuchEntity", "The %s cannot be found.", what)
	case errors.Is(err, trustgate.ErrConflict):
		return query.Errorf(http.StatusConflict, "DeleteConflict", "Cannot delete entity, must remove its dependents first: %s.", conflictDetail(err))
	}
	return internal(err)
}

// asError passes an IAM error through a store Update's change as an
// error, and nil as nil (not as a nil *query.Error); answer takes it back.
func asError(err *query.Error) error {
	if err == nil {
		return nil
	}
	return err
}

// answer is the IAM error for what a store Update returned: change's own
// error, or the store's about what.
func answer(err error, what string) *query.Error {
	var qerr *query.Error
	if errors.As(err, &qerr) {
		return qerr
	}
	return storeErrorOr(err, what)
}

func conflictDetail(err error) string {
	msg := err.Error()
	return strings.TrimSuffix(msg, ": "+trustgate.ErrConflict.Error())
}

func internal(err error) *query.Error {
	e := query.Errorf(http.StatusInternalServerError, "ServiceFailure", "The request processing has failed because of an unknown error, exception or failure.")
	e.Cause = err
	return e
}

// isoTime formats a time as IAM's responses do.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// encodeDocument percent-encodes a policy document as IAM returns it.
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }
