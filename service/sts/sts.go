// Package stsapi serves AWS Security Token Service over the Query
// protocol: GetCallerIdentity and AssumeRole, whose temporary credentials
// are self-contained session tokens.
package stsapi

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/access"
	"github.com/trustgate/trustgate/arn"
	"github.com/trustgate/trustgate/authz"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/protocol/query"
	"github.com/trustgate/trustgate/session"
	"github.com/trustgate/trustgate/store"
)

// Namespace is the XML namespace of STS's responses.
const Namespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// Session durations of AssumeRole, in seconds.
const (
	MinDuration      = 900
	DefaultDuration  = 3600
	ChainedMaxLength = 3600 // role chaining is capped at one hour
)

// Service answers STS actions.
type Service struct {
	store  store.Store
	access *access.Checker
	issuer *session.Issuer
	now    func() time.Time
}

// New returns the STS service.
func New(st store.Store, checker *access.Checker, issuer *session.Issuer, now func() time.Time) *Service {
	return &Service{store: st, access: checker, issuer: issuer, now: now}
}

// Call is one STS request from an authenticated caller.
type Call struct {
	Principal       *trustgate.Principal
	Request         *query.Request
	SourceIP        string
	SecureTransport bool
	Region          string
}

// Serve runs the call's action and returns its result element, or an
// AWS error.
func (s *Service) Serve(ctx context.Context, c *Call) (any, *query.Error) {
	switch c.Request.Action {
	case "GetCallerIdentity":
		return s.getCallerIdentity(c), nil
	case "AssumeRole":
		return s.assumeRole(ctx, c)
	}
	return nil, query.InvalidAction(c.Request.Action, c.Request.Version)
}

type callerIdentity struct { // in AWS's element order
	Arn     string
	UserId  string
	Account string
}

// getCallerIdentity needs no permission and works even under an explicit
// deny, as in AWS.
func (s *Service) getCallerIdentity(c *Call) *callerIdentity {
	return &callerIdentity{Arn: c.Principal.ARN, UserId: c.Principal.UserID, Account: c.Principal.Account}
}

var sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]*$`)

func validationError(value, member, constraint string) *query.Error {
	return query.ValidationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, member, constraint)
}

type credentials struct {
	AccessKeyId     string
	SecretAccessKey string
	SessionToken    string
	Expiration      string
}

type assumedRoleUser struct {
	AssumedRoleId string
	Arn           string
}

type assumeRoleResult struct {
	Credentials      credentials
	AssumedRoleUser  assumedRoleUser
	PackedPolicySize *int   `xml:",omitempty"`
	SourceIdentity   string `xml:",omitempty"`
}

func (s *Service) assumeRole(ctx context.Context, c *Call) (any, *query.Error) {
	req := c.Request
	roleARN := req.Get("RoleArn")
	if !req.Has("RoleArn") {
		return nil, query.MissingParameter("RoleArn")
	}
	sessionName := req.Get("RoleSessionName")
	if !req.Has("RoleSessionName") {
		return nil, query.MissingParameter("RoleSessionName")
	}
	switch {
	case len(sessionName) < 2:
		return nil, validationError(sessionName, "roleSessionName", "Member must have length greater than or equal to 2")
	case len(sessionName) > 64:
		return nil, validationError(sessionName, "roleSessionName", "Member must have length less than or equal to 64")
	case !sessionNamePattern.MatchString(sessionName):
		return nil, validationError(sessionName, "roleSessionName", `Member must satisfy regular expression pattern: [\w+=,.@-]*`)
	}
	if len(roleARN) < 20 || len(roleARN) > 2048 {
		return nil, validationError(roleARN, "roleArn", "Member must have length greater than or equal to 20")
	}
	duration := DefaultDuration
	if v := req.Get("DurationSeconds"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < MinDuration || n > 43200 {
			return nil, validationError(v, "durationSeconds", "Member must have value greater than or equal to 900")
		}
		duration = n
	}
	externalID := req.Get("ExternalId")
	if req.Has("ExternalId") && (len(externalID) < 2 || len(externalID) > 1224) {
		return nil, validationError(externalID, "externalId", "Member must have length greater than or equal to 2")
	}
	inlinePolicy := req.Get("Policy")
	if inlinePolicy != "" {
		if _, err := policy.Parse(inlinePolicy, policy.Session); err != nil {
			return nil, query.Errorf(http.StatusBadRequest, "MalformedPolicyDocument", "%s", err.Error())
		}
	}
	var policyARNs []string
	for i := 1; req.Has("PolicyArns.member." + strconv.Itoa(i) + ".arn"); i++ {
		policyARNs = append(policyARNs, req.Get("PolicyArns.member."+strconv.Itoa(i)+".arn"))
	}
	if len(policyARNs) > 10 {
		return nil, validationError(strconv.Itoa(len(policyARNs)), "policyArns", "Member must have length less than or equal to 10")
	}
	packed := session.PackedPolicySize(inlinePolicy, policyARNs, nil)
	if packed > 100 {
		return nil, query.Errorf(http.StatusBadRequest, "PackedPolicyTooLarge",
			"Packed size of consolidated policies exceeds the allowed size by %d%%.", packed-100)
	}
	if c.Principal.Kind == policy.Root {
		return nil, query.Errorf(http.StatusForbidden, "AccessDenied", "Roles may not be assumed by root accounts.")
	}

	// The role is named by its ARN; a role that does not exist is denied
	// like one whose trust policy does not allow, as in AWS.
	denied := func(r authz.Result) *query.Error {
		msg := "User: " + c.Principal.ARN + " is not authorized to perform: sts:AssumeRole on resource: " + roleARN
		if reason := r.Reason("sts:AssumeRole"); reason != "" {
			msg += " " + reason
		}
		return query.Errorf(http.StatusForbidden, "AccessDenied", "%s", msg)
	}
	a, ok := arn.Split(roleARN)
	if !ok || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") || !arn.IsAccountID(a.Account) {
		return nil, validationError(roleARN, "roleArn", "Member must be the ARN of an IAM role, as arn:aws:iam::111122223333:role/NAME")
	}
	roleName := a.Resource[strings.LastIndexByte(a.Resource, '/')+1:]
	role, err := s.store.Role(ctx, a.Account, roleName)
	if errors.Is(err, trustgate.ErrNotFound) || (err == nil && role.ARN() != roleARN) {
		return nil, denied(authz.Result{Decision: authz.ImplicitDeny, Type: authz.ResourcePolicy})
	}
	if err != nil {
		return nil, internal(err)
	}

	keys := policy.NewContext()
	keys.Set("sts:RoleSessionName", sessionName)
	if externalID != "" {
		keys.Set("sts:ExternalId", externalID)
	}
	decision, err := s.access.Check(ctx, &access.Request{
		Principal: c.Principal, Action: "sts:AssumeRole", Resource: role.ARN(), ResourceAccount: role.Account,
		ResourcePolicy: role.TrustPolicy, ResourceKind: policy.Trust, Context: keys,
		SourceIP: c.SourceIP, SecureTransport: c.SecureTransport, Region: c.Region,
	})
	if err != nil {
		return nil, internal(err)
	}
	if decision.Decision != authz.Allow {
		return nil, denied(decision)
	}

	chained := c.Principal.Kind == policy.AssumedRole
	switch {
	case chained && duration > ChainedMaxLength:
		return nil, validationError(strconv.Itoa(duration), "durationSeconds",
			"The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	case duration > role.MaxSessionDuration:
		return nil, validationError(strconv.Itoa(duration), "durationSeconds",
			"The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}

	now := s.now().UTC().Truncate(time.Second)
	id, secret := session.NewKey()
	claims := &session.Claims{
		AccessKeyID: id, SecretAccessKey: secret, Account: role.Account, Kind: session.AssumedRole,
		RoleARN: role.ARN(), RoleID: role.ID, SessionName: sessionName, RoleChained: chained, ExternalID: externalID,
		Issued: now, Expires: now.Add(time.Duration(duration) * time.Second),
		MFAAuthenticated: c.Principal.MFAAuthenticated, SourceIdentity: c.Principal.SourceIdentity,
		Policy: inlinePolicy, PolicyARNs: policyARNs,
	}
	token, err := s.issuer.Issue(claims)
	if err != nil {
		return nil, internal(err)
	}
	result := &assumeRoleResult{
		Credentials: credentials{AccessKeyId: id, SecretAccessKey: secret, SessionToken: token,
			Expiration: claims.Expires.Format("2006-01-02T15:04:05Z")},
		AssumedRoleUser: assumedRoleUser{AssumedRoleId: claims.PrincipalID(), Arn: claims.ARN()},
		SourceIdentity:  claims.SourceIdentity,
	}
	if inlinePolicy != "" || len(policyARNs) > 0 {
		result.PackedPolicySize = &packed
	}
	return result, nil
}

func internal(err error) *query.Error {
	e := query.Errorf(http.StatusInternalServerError, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure.")
	e.Cause = err
	return e
}
