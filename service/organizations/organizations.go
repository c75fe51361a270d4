// Package orgapi serves AWS Organizations over the JSON 1.1 protocol: the
// organization and its root, accounts (CreateAccount with the role the
// management account administers them through), organizational units,
// and service and resource control policies with their attachments.
// Every operation is authorized first; only the management account's
// principals may manage the organization, as in AWS.
package orgapi

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/access"
	"github.com/trustgate/trustgate/authmsg"
	"github.com/trustgate/trustgate/authz"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/protocol/jsonrpc"
	"github.com/trustgate/trustgate/store"
)

// TargetPrefix is the X-Amz-Target prefix of Organizations' operations.
const TargetPrefix = "AWSOrganizationsV20161128"

// Service answers Organizations operations.
type Service struct {
	store  store.Store
	access *access.Checker
	now    func() time.Time
}

// New returns the Organizations service.
func New(st store.Store, checker *access.Checker, now func() time.Time) *Service {
	return &Service{store: st, access: checker, now: now}
}

// Call is one Organizations request from an authenticated caller.
type Call struct {
	Principal *trustgate.Principal
	Request   *jsonrpc.Request
	access.Origin

	org *trustgate.Organization
}

type handler func(s *Service, ctx context.Context, c *Call) (any, *jsonrpc.Error)

// operations is Organizations' route table: every operation trustgate
// serves.
var operations = map[string]handler{
	"DescribeOrganization":             (*Service).describeOrganization,
	"ListRoots":                        (*Service).listRoots,
	"CreateAccount":                    (*Service).createAccount,
	"DescribeCreateAccountStatus":      (*Service).describeCreateAccountStatus,
	"ListCreateAccountStatus":          (*Service).listCreateAccountStatus,
	"DescribeAccount":                  (*Service).describeAccount,
	"ListAccounts":                     (*Service).listAccounts,
	"ListAccountsForParent":            (*Service).listAccountsForParent,
	"MoveAccount":                      (*Service).moveAccount,
	"CreateOrganizationalUnit":         (*Service).createOrganizationalUnit,
	"DescribeOrganizationalUnit":       (*Service).describeOrganizationalUnit,
	"UpdateOrganizationalUnit":         (*Service).updateOrganizationalUnit,
	"DeleteOrganizationalUnit":         (*Service).deleteOrganizationalUnit,
	"ListOrganizationalUnitsForParent": (*Service).listOrganizationalUnitsForParent,
	"ListParents":                      (*Service).listParents,
	"ListChildren":                     (*Service).listChildren,
	"TagResource":                      (*Service).tagResource,
	"UntagResource":                    (*Service).untagResource,
	"ListTagsForResource":              (*Service).listTagsForResource,
	"EnablePolicyType":                 (*Service).enablePolicyType,
	"DisablePolicyType":                (*Service).disablePolicyType,
	"CreatePolicy":                     (*Service).createPolicy,
	"DescribePolicy":                   (*Service).describePolicy,
	"UpdatePolicy":                     (*Service).updatePolicy,
	"DeletePolicy":                     (*Service).deletePolicy,
	"AttachPolicy":                     (*Service).attachPolicy,
	"DetachPolicy":                     (*Service).detachPolicy,
	"ListPolicies":                     (*Service).listPolicies,
	"ListPoliciesForTarget":            (*Service).listPoliciesForTarget,
	"ListTargetsForPolicy":             (*Service).listTargetsForPolicy,
	"DescribeEffectivePolicy":          (*Service).describeEffectivePolicy,
	"LeaveOrganization":                (*Service).leaveOrganization,
}

// Serve runs the call's operation and returns its result, or an AWS error.
func (s *Service) Serve(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	h, ok := operations[c.Request.Operation]
	if !ok {
		return nil, jsonrpc.Errorf(http.StatusBadRequest, "UnknownOperationException", "Organizations has no operation %s", c.Request.Operation)
	}
	org, err := s.store.Organization(ctx)
	if err != nil {
		return nil, internal(err)
	}
	c.org = org
	return h(s, ctx, c)
}

// authorize asks whether the caller may perform action on resource, an
// ARN of the organization's. The organization's resources belong to the
// management account: a member account's principals are refused, as
// Organizations refuses them, whatever their own policies say.
func (s *Service) authorize(ctx context.Context, c *Call, action, resource string) *jsonrpc.Error {
	return s.authorizeIn(ctx, c, action, resource, c.org.ManagementAccount)
}

// authorizeOwn authorizes an action that any account of the organization
// takes of itself (DescribeOrganization, LeaveOrganization): decided with
// its own policies and SCPs, the caller's account owning the resource.
func (s *Service) authorizeOwn(ctx context.Context, c *Call, action, resource string) *jsonrpc.Error {
	return s.authorizeIn(ctx, c, action, resource, c.Principal.Account)
}

func (s *Service) authorizeIn(ctx context.Context, c *Call, action, resource, resourceAccount string) *jsonrpc.Error {
	keys := policy.NewContext()
	r, err := s.access.Check(ctx, &access.Request{
		Principal: c.Principal, Action: action, Resource: resource, ResourceAccount: resourceAccount,
		Context: keys, Origin: c.Origin,
	})
	if err != nil {
		return internal(err)
	}
	if r.Decision != authz.Allow {
		e := jsonrpc.Errorf(http.StatusBadRequest, "AccessDeniedException", "You don't have permissions to access this resource.")
		e.Denial = authmsg.New(c.Principal, action, resource, r, keys)
		return e
	}
	return nil
}

func internal(err error) *jsonrpc.Error {
	e := jsonrpc.Errorf(http.StatusInternalServerError, "ServiceException",
		"AWS Organizations can't complete your request because of an internal service error. Try again later.")
	e.Cause = err
	return e
}

// invalidInput answers a parameter that breaks its constraints, with the
// reason Organizations gives.
func invalidInput(reason, format string, args ...any) *jsonrpc.Error {
	e := jsonrpc.Errorf(http.StatusBadRequest, "InvalidInputException", format, args...)
	e.Reason = reason
	return e
}

func constraintViolation(reason, format string, args ...any) *jsonrpc.Error {
	e := jsonrpc.Errorf(http.StatusBadRequest, "ConstraintViolationException", format, args...)
	e.Reason = reason
	return e
}

// The ARNs of the organization's resources.

func (c *Call) orgARN() string {
	return "arn:aws:organizations::" + c.org.ManagementAccount + ":organization/" + c.org.ID
}

func (c *Call) rootARN() string {
	return "arn:aws:organizations::" + c.org.ManagementAccount + ":root/" + c.org.ID + "/" + c.org.RootID
}

func (c *Call) accountARN(id string) string {
	return "arn:aws:organizations::" + c.org.ManagementAccount + ":account/" + c.org.ID + "/" + id
}

func (c *Call) ouARN(id string) string {
	return "arn:aws:organizations::" + c.org.ManagementAccount + ":ou/" + c.org.ID + "/" + id
}

// epoch is a timestamp as the JSON protocol sends it: seconds since 1970.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(time.Time(t).UnixMilli())/1000, 'f', 3, 64)), nil
}

// page cuts items to the page MaxResults and NextToken ask for; max is the
// operation's largest page.
// A MaxResults given as 0 is below the least, not unset (note 72).
func page[T any](items []T, maxResultsAsked *int, nextToken string, max int) ([]T, string, *jsonrpc.Error) {
	maxResults := max
	if maxResultsAsked != nil {
		maxResults = *maxResultsAsked
	}
	switch {
	case maxResults < 1:
		return nil, "", invalidInput("MIN_VALUE_EXCEEDED", "You specified an invalid value for MaxResults: it must be between 1 and %d.", max)
	case maxResults > max:
		return nil, "", invalidInput("MAX_VALUE_EXCEEDED", "You specified an invalid value for MaxResults: it must be between 1 and %d.", max)
	}
	start := 0
	if nextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(nextToken)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 || n > len(items) {
			return nil, "", invalidInput("INVALID_NEXT_TOKEN", "The NextToken is not valid; pass the NextToken of the previous answer unchanged.")
		}
		start = n
	}
	end := min(start+maxResults, len(items))
	next := ""
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	return items[start:end], next, nil
}

// paging are the paging parameters of the list operations.
type paging struct {
	MaxResults *int
	NextToken  string
}

// storeError maps what the store answers to Organizations' exceptions.
func storeError(err error, notFound *jsonrpc.Error) *jsonrpc.Error {
	if errors.Is(err, trustgate.ErrNotFound) && notFound != nil {
		return notFound
	}
	return internal(err)
}
