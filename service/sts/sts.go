// Package stsapi serves AWS Security Token Service over the Query
// protocol: GetCallerIdentity, AssumeRole and GetSessionToken, whose
// temporary credentials are self-contained session tokens, optionally
// authenticated with a virtual MFA device that IAM keeps.
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
	"github.com/trustgate/trustgate/authmsg"
	"github.com/trustgate/trustgate/authz"
	"github.com/trustgate/trustgate/ids"
	"github.com/trustgate/trustgate/mfa"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/protocol/query"
	"github.com/trustgate/trustgate/session"
	"github.com/trustgate/trustgate/store"
)

// Namespace is the XML namespace of STS's responses.
const Namespace = "https://sts.amazonaws.com/doc/" + APIVersion + "/"

// APIVersion is the one Version of STS's API; a request naming another, or
// none, has no operation to call (note 72).
const APIVersion = "2011-06-15"

// Session durations of AssumeRole, in seconds.
const (
	MinDuration      = 900
	DefaultDuration  = 3600
	ChainedMaxLength = 3600 // role chaining is capped at one hour
)

// Session durations of GetSessionToken, in seconds: an IAM user's session
// lasts 900 seconds to 36 hours, 12 by default; the root user's at most
// one hour, a longer request being cut to one hour.
const (
	UserSessionDefault = 43200
	UserSessionMax     = 129600
	RootSessionMax     = 3600
)

// Service answers STS actions.
type Service struct {
	store    store.Store
	access   *access.Checker
	issuer   *session.Issuer
	messages *authmsg.Codec
	now      func() time.Time
}

// New returns the STS service.
func New(st store.Store, checker *access.Checker, issuer *session.Issuer, messages *authmsg.Codec, now func() time.Time) *Service {
	return &Service{store: st, access: checker, issuer: issuer, messages: messages, now: now}
}

// Call is one STS request from an authenticated caller.
type Call struct {
	Principal *trustgate.Principal
	Request   *query.Request
	access.Origin
}

// Serve runs the call's action and returns its result element, or an
// AWS error.
func (s *Service) Serve(ctx context.Context, c *Call) (any, *query.Error) {
	h, ok := actions[c.Request.Action]
	if !ok || c.Request.Version != APIVersion {
		return nil, query.InvalidAction(c.Request.Action, c.Request.Version)
	}
	if c.Principal.Kind == policy.FederatedUser && c.Request.Action != "GetCallerIdentity" {
		// A federated user may ask STS only who it is (note 54).
		return nil, query.Errorf(http.StatusForbidden, "AccessDenied", "Cannot call %s with the credentials of a federated user", c.Request.Action)
	}
	return h(s, ctx, c)
}

// actions are the STS actions trustgate serves.
var actions = map[string]func(*Service, context.Context, *Call) (any, *query.Error){
	"GetCallerIdentity": func(s *Service, _ context.Context, c *Call) (any, *query.Error) {
		return s.getCallerIdentity(c), nil
	},
	"AssumeRole":                 (*Service).assumeRole,
	"GetSessionToken":            (*Service).getSessionToken,
	"GetFederationToken":         (*Service).getFederationToken,
	"DecodeAuthorizationMessage": (*Service).decodeAuthorizationMessage,
	"GetAccessKeyInfo":           (*Service).getAccessKeyInfo,
}

type callerIdentity struct { // in AWS's element order
	Arn     string
	UserId  string
	Account string
}

// AppendXML writes the answer every SDK's first call asks for, without
// encoding/xml (query.Appender).
func (c *callerIdentity) AppendXML(b []byte) []byte {
	b = query.AppendElement(b, "Arn", c.Arn)
	b = query.AppendElement(b, "UserId", c.UserId)
	return query.AppendElement(b, "Account", c.Account)
}

// getCallerIdentity needs no permission and works even under an explicit
// deny, as in AWS.
func (s *Service) getCallerIdentity(c *Call) *callerIdentity {
	return &callerIdentity{Arn: c.Principal.ARN, UserId: c.Principal.UserID, Account: c.Principal.Account}
}

var sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]*$`)

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

// AppendXML writes the answer to AssumeRole without encoding/xml
// (query.Appender).
func (r *assumeRoleResult) AppendXML(b []byte) []byte {
	b = append(b, "<Credentials>"...)
	b = query.AppendElement(b, "AccessKeyId", r.Credentials.AccessKeyId)
	b = query.AppendElement(b, "SecretAccessKey", r.Credentials.SecretAccessKey)
	b = query.AppendElement(b, "SessionToken", r.Credentials.SessionToken)
	b = query.AppendElement(b, "Expiration", r.Credentials.Expiration)
	b = append(b, "</Credentials><AssumedRoleUser>"...)
	b = query.AppendElement(b, "AssumedRoleId", r.AssumedRoleUser.AssumedRoleId)
	b = query.AppendElement(b, "Arn", r.AssumedRoleUser.Arn)
	b = append(b, "</AssumedRoleUser>"...)
	if r.PackedPolicySize != nil {
		b = query.AppendElement(b, "PackedPolicySize", strconv.Itoa(*r.PackedPolicySize))
	}
	if r.SourceIdentity != "" {
		b = query.AppendElement(b, "SourceIdentity", r.SourceIdentity)
	}
	return b
}

// externalIDPattern is what an ExternalId may hold.
var externalIDPattern = regexp.MustCompile(`^[\w+=,.@:/-]*$`)

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
	if err := query.CheckLength(sessionName, "roleSessionName", 2, 64); err != nil {
		return nil, err
	}
	if !sessionNamePattern.MatchString(sessionName) {
		return nil, query.InvalidMember(sessionName, "roleSessionName", `Member must satisfy regular expression pattern: [\w+=,.@-]*`)
	}
	if err := query.CheckLength(roleARN, "roleArn", 20, 2048); err != nil {
		return nil, err
	}
	duration := DefaultDuration
	if v := req.Get("DurationSeconds"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || n < MinDuration:
			return nil, query.InvalidMember(v, "durationSeconds", "Member must have value greater than or equal to 900")
		case n > 43200:
			return nil, query.InvalidMember(v, "durationSeconds", "Member must have value less than or equal to 43200")
		}
		duration = n
	}
	externalID := req.Get("ExternalId")
	if req.Has("ExternalId") {
		if err := query.CheckLength(externalID, "externalId", 2, 1224); err != nil {
			return nil, err
		}
		if !externalIDPattern.MatchString(externalID) {
			return nil, query.InvalidMember(externalID, "externalId", `Member must satisfy regular expression pattern: [\w+=,.@:\/-]*`)
		}
	}
	inlinePolicy, policyARNs, qerr := sessionPolicyParams(req)
	if qerr != nil {
		return nil, qerr
	}
	mfa, qerr := mfaParams(req)
	if qerr != nil {
		return nil, qerr
	}
	tags, qerr := readSessionTags(req, c.Principal)
	if qerr != nil {
		return nil, qerr
	}
	if c.Principal.Kind == policy.Root {
		return nil, query.Errorf(http.StatusForbidden, "AccessDenied", "Roles may not be assumed by root accounts.")
	}
	if size := session.PackedPolicySize("", nil, tags.tags); size > 100 {
		return nil, query.Errorf(http.StatusBadRequest, "PackedPolicyTooLarge",
			"Packed size of session tags consumes %d%% of allotted space.", size)
	}
	packed := session.PackedPolicySize(inlinePolicy, policyARNs, tags.tags)
	if packed > 100 {
		return nil, query.Errorf(http.StatusBadRequest, "PackedPolicyTooLarge",
			"Packed size of consolidated policies exceeds the allowed size by %d%%.", packed-100)
	}
	now := s.now().UTC().Truncate(time.Second)
	// With MFA, the trust policy sees aws:MultiFactorAuthPresent true and
	// aws:MultiFactorAuthAge from now on; access.Check reads them from the
	// principal, so a copy of it carries the MFA time.
	caller := c.Principal
	if mfa != nil {
		if qerr := s.useMFA(ctx, c, mfa, now); qerr != nil {
			return nil, qerr
		}
		withMFA := *c.Principal
		withMFA.MFAAuthenticated = now
		caller = &withMFA
	}

	// The role is named by its ARN; a role that does not exist is denied
	// like one whose trust policy does not allow, as in AWS.
	keys := policy.NewContext()
	denied := func(action string, r authz.Result) *query.Error {
		msg := "User: " + c.Principal.ARN + " is not authorized to perform: " + action + " on resource: " + roleARN
		if reason := r.Reason(action); reason != "" {
			msg += " " + reason
		}
		e := query.Errorf(http.StatusForbidden, "AccessDenied", "%s", msg)
		e.Denial = authmsg.New(c.Principal, action, roleARN, r, keys)
		return e
	}
	a, ok := arn.Split(roleARN)
	if !ok || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") || !arn.IsAccountID(a.Account) {
		return nil, query.InvalidMember(roleARN, "roleArn", "Member must be the ARN of an IAM role, as arn:aws:iam::111122223333:role/NAME")
	}
	roleName := a.Resource[strings.LastIndexByte(a.Resource, '/')+1:]
	role, err := s.store.Role(ctx, a.Account, roleName)
	if errors.Is(err, trustgate.ErrNotFound) || (err == nil && role.ARN() != roleARN) {
		return nil, denied("sts:AssumeRole", authz.Result{Decision: authz.ImplicitDeny, Type: authz.ResourcePolicy})
	}
	if err != nil {
		return nil, internal(err)
	}

	keys.Set("sts:RoleSessionName", sessionName)
	if externalID != "" {
		keys.Set("sts:ExternalId", externalID)
	}
	for _, t := range role.Tags {
		keys.Set("aws:ResourceTag/"+t.Key, t.Value)
	}
	tags.setKeys(keys)
	// The identity policies and the trust policy must allow sts:AssumeRole,
	// and sts:TagSession and sts:SetSourceIdentity when the session carries
	// tags or a source identity.
	for _, action := range append([]string{"sts:AssumeRole"}, tags.permissions()...) {
		decision, err := s.access.Check(ctx, &access.Request{
			Principal: caller, Action: action, Resource: role.ARN(), ResourceAccount: role.Account,
			ResourcePolicy: role.TrustPolicy, ResourceKind: policy.Trust, Context: keys,
			Origin: c.Origin,
		})
		if err != nil {
			return nil, internal(err)
		}
		if decision.Decision != authz.Allow {
			return nil, denied(action, decision)
		}
	}

	chained := c.Principal.Kind == policy.AssumedRole
	switch {
	case chained && duration > ChainedMaxLength:
		return nil, query.InvalidMember(strconv.Itoa(duration), "durationSeconds",
			"The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	case duration > role.MaxSessionDuration:
		return nil, query.InvalidMember(strconv.Itoa(duration), "durationSeconds",
			"The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}

	id, secret := session.NewKey(role.Account)
	claims := &session.Claims{
		AccessKeyID: id, SecretAccessKey: secret, Account: role.Account, Kind: session.AssumedRole,
		RoleARN: role.ARN(), RoleID: role.ID, SessionName: sessionName, RoleChained: chained, ExternalID: externalID,
		Issued: now, Expires: now.Add(time.Duration(duration) * time.Second),
		MFAAuthenticated: caller.MFAAuthenticated, SourceIdentity: tags.sourceIdentity,
		Tags: tags.tags, TransitiveTagKeys: tags.transitive,
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
	if inlinePolicy != "" || len(policyARNs) > 0 || len(tags.tags) > 0 {
		result.PackedPolicySize = &packed
	}
	return result, nil
}

// sessionDuration reads the DurationSeconds of GetSessionToken and
// GetFederationToken: 900 to 129,600 seconds, 43,200 when absent, and an
// hour at most for a session of the root user, however long it asks.
func sessionDuration(req *query.Request, root bool) (int, *query.Error) {
	duration := UserSessionDefault
	if v := req.Get("DurationSeconds"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || n < MinDuration:
			return 0, query.InvalidMember(v, "durationSeconds", "Member must have value greater than or equal to 900")
		case n > UserSessionMax:
			return 0, query.InvalidMember(v, "durationSeconds", "Member must have value less than or equal to 129600")
		}
		duration = n
	}
	if root {
		duration = min(duration, RootSessionMax)
	}
	return duration, nil
}

// sessionPolicyParams reads the session policies a new session is to be
// bounded by: the inline Policy and up to ten PolicyArns.
func sessionPolicyParams(req *query.Request) (inline string, arns []string, err *query.Error) {
	inline = req.Get("Policy")
	if inline != "" {
		if _, perr := policy.Parse(inline, policy.Session); perr != nil {
			return "", nil, query.Errorf(http.StatusBadRequest, "MalformedPolicyDocument", "%s", perr.Error())
		}
	}
	for i := 1; req.Has("PolicyArns.member." + strconv.Itoa(i) + ".arn"); i++ {
		arns = append(arns, req.Get("PolicyArns.member."+strconv.Itoa(i)+".arn"))
	}
	if len(arns) > 10 {
		return "", nil, query.InvalidMember(strconv.Itoa(len(arns)), "policyArns", "Member must have length less than or equal to 10")
	}
	return inline, arns, nil
}

// mfaCode is the SerialNumber and TokenCode of an AssumeRole or
// GetSessionToken call.
type mfaCode struct {
	serial, code string
}

var (
	serialPattern    = regexp.MustCompile(`^[\w+=/:,.@-]*$`)
	tokenCodePattern = regexp.MustCompile(`^[0-9]*$`)
)

// MFA failures, worded as STS words them (the first with its trailing
// space, the second with its double one).
const (
	mfaInvalidCode   = "MultiFactorAuthentication failed with invalid MFA one time pass code. "
	mfaUnknownDevice = "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user."
)

// mfaParams reads SerialNumber and TokenCode; nil when neither is given.
func mfaParams(req *query.Request) (*mfaCode, *query.Error) {
	if !req.Has("SerialNumber") && !req.Has("TokenCode") {
		return nil, nil
	}
	m := &mfaCode{serial: req.Get("SerialNumber"), code: req.Get("TokenCode")}
	if req.Has("SerialNumber") {
		if err := query.CheckLength(m.serial, "serialNumber", 9, 256); err != nil {
			return nil, err
		}
		if !serialPattern.MatchString(m.serial) {
			return nil, query.InvalidMember(m.serial, "serialNumber", `Member must satisfy regular expression pattern: [\w+=/:,.@-]*`)
		}
	}
	if req.Has("TokenCode") {
		if err := query.CheckLength(m.code, "tokenCode", 6, 6); err != nil {
			return nil, err
		}
		if !tokenCodePattern.MatchString(m.code) {
			return nil, query.InvalidMember(m.code, "tokenCode", `Member must satisfy regular expression pattern: [\d]*`)
		}
	}
	return m, nil
}

// useMFA authenticates the caller with a code of its MFA device: the
// serial number must be a device IAM has enabled for the calling user (or
// the user of a GetSessionToken session), and the code the device's for
// now, once only. A missing code is an invalid one; a missing serial
// number names no device.
func (s *Service) useMFA(ctx context.Context, c *Call, m *mfaCode, now time.Time) *query.Error {
	if m.serial == "" {
		return query.Errorf(http.StatusForbidden, "AccessDenied", "%s", mfaUnknownDevice)
	}
	userName := ""
	if c.Principal.Kind == policy.User {
		userName = c.Principal.UserName
	}
	err := mfa.Use(ctx, s.store, c.Principal.Account, userName, m.serial, m.code, now)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mfa.ErrDevice):
		return query.Errorf(http.StatusForbidden, "AccessDenied", "%s", mfaUnknownDevice)
	case errors.Is(err, mfa.ErrCode):
		return query.Errorf(http.StatusForbidden, "AccessDenied", "%s", mfaInvalidCode)
	}
	return internal(err)
}

type getSessionTokenResult struct {
	Credentials credentials
}

// getSessionToken issues a session of the calling IAM user or root user
// itself, optionally authenticated with MFA. It needs no permission: it
// authenticates, and policies do not govern authentication, as in AWS.
// Only long-term credentials may call it.
func (s *Service) getSessionToken(ctx context.Context, c *Call) (any, *query.Error) {
	p := c.Principal
	root := p.Kind == policy.Root
	duration, qerr := sessionDuration(c.Request, root)
	if qerr != nil {
		return nil, qerr
	}
	mfa, qerr := mfaParams(c.Request)
	if qerr != nil {
		return nil, qerr
	}
	if p.Temporary || (!root && p.Kind != policy.User) {
		return nil, query.Errorf(http.StatusForbidden, "AccessDenied", "Cannot call GetSessionToken with session credentials")
	}
	now := s.now().UTC().Truncate(time.Second)
	claims := &session.Claims{
		Account: p.Account, Kind: session.UserSession, Root: root,
		Issued: now, Expires: now.Add(time.Duration(duration) * time.Second),
	}
	if !root {
		claims.UserName, claims.UserARN, claims.UserID = p.UserName, p.ARN, p.UserID
	}
	if mfa != nil {
		if qerr := s.useMFA(ctx, c, mfa, now); qerr != nil {
			return nil, qerr
		}
		claims.MFAAuthenticated = now
	}
	claims.AccessKeyID, claims.SecretAccessKey = session.NewKey(claims.Account)
	token, err := s.issuer.Issue(claims)
	if err != nil {
		return nil, internal(err)
	}
	return &getSessionTokenResult{Credentials: credentials{AccessKeyId: claims.AccessKeyID, SecretAccessKey: claims.SecretAccessKey,
		SessionToken: token, Expiration: claims.Expires.Format("2006-01-02T15:04:05Z")}}, nil
}

type federatedUser struct {
	FederatedUserId string
	Arn             string
}

type getFederationTokenResult struct {
	Credentials      credentials
	FederatedUser    federatedUser
	PackedPolicySize *int `xml:",omitempty"`
}

// federatedNamePattern is what a GetFederationToken Name may hold.
var federatedNamePattern = regexp.MustCompile(`^[\w+=,.@-]*$`)

// getFederationToken issues a federated user's session for the calling
// IAM user or root user (note 54). Its permissions are those of the
// caller's identity policies that the session policies passed also allow,
// none without a session policy (note 18). Only long-term credentials may
// call it.
func (s *Service) getFederationToken(ctx context.Context, c *Call) (any, *query.Error) {
	req, p := c.Request, c.Principal
	if !req.Has("Name") {
		return nil, query.MissingParameter("Name")
	}
	name := req.Get("Name")
	if err := query.CheckLength(name, "name", 2, 32); err != nil {
		return nil, err
	}
	if !federatedNamePattern.MatchString(name) {
		return nil, query.InvalidMember(name, "name", `Member must satisfy regular expression pattern: [\w+=,.@-]+`)
	}
	root := p.Kind == policy.Root
	duration, qerr := sessionDuration(req, root)
	if qerr != nil {
		return nil, qerr
	}
	inlinePolicy, policyARNs, qerr := sessionPolicyParams(req)
	if qerr != nil {
		return nil, qerr
	}
	if p.Temporary || (!root && p.Kind != policy.User) {
		return nil, query.Errorf(http.StatusForbidden, "AccessDenied", "Cannot call GetFederationToken with session credentials")
	}
	tags, qerr := readSessionTags(req, p)
	if qerr != nil {
		return nil, qerr
	}
	packed := session.PackedPolicySize(inlinePolicy, policyARNs, tags.tags)
	if packed > 100 {
		return nil, query.Errorf(http.StatusBadRequest, "PackedPolicyTooLarge",
			"Packed size of consolidated policies exceeds the allowed size by %d%%.", packed-100)
	}

	now := s.now().UTC().Truncate(time.Second)
	claims := &session.Claims{Account: p.Account, Kind: session.FederatedUser, Root: root, SessionName: name,
		Issued: now, Expires: now.Add(time.Duration(duration) * time.Second),
		Tags: tags.tags, Policy: inlinePolicy, PolicyARNs: policyARNs}
	if !root {
		claims.UserName, claims.UserARN, claims.UserID = p.UserName, p.ARN, p.UserID
	}
	resource := claims.ARN()
	keys := policy.NewContext()
	tags.setKeys(keys)
	for _, action := range append([]string{"sts:GetFederationToken"}, tags.permissions()...) {
		decision, err := s.access.Check(ctx, &access.Request{Principal: p, Action: action, Resource: resource, ResourceAccount: p.Account,
			Context: keys, Origin: c.Origin})
		if err != nil {
			return nil, internal(err)
		}
		if decision.Decision != authz.Allow {
			e := query.Errorf(http.StatusForbidden, "AccessDenied", "%s", access.DeniedMessage(p, action, resource, decision))
			e.Denial = authmsg.New(p, action, resource, decision, keys)
			return nil, e
		}
	}
	claims.AccessKeyID, claims.SecretAccessKey = session.NewKey(claims.Account)
	token, err := s.issuer.Issue(claims)
	if err != nil {
		return nil, internal(err)
	}
	result := &getFederationTokenResult{
		Credentials: credentials{AccessKeyId: claims.AccessKeyID, SecretAccessKey: claims.SecretAccessKey, SessionToken: token,
			Expiration: claims.Expires.Format("2006-01-02T15:04:05Z")},
		FederatedUser: federatedUser{FederatedUserId: claims.PrincipalID(), Arn: resource},
	}
	if inlinePolicy != "" || len(policyARNs) > 0 || len(tags.tags) > 0 {
		result.PackedPolicySize = &packed
	}
	return result, nil
}

// decodeAuthorizationMessage opens an authorization message of the request
// log for a caller allowed sts:DecodeAuthorizationMessage. A
// GetSessionToken session may not call it (note 26).
func (s *Service) decodeAuthorizationMessage(ctx context.Context, c *Call) (any, *query.Error) {
	encoded := c.Request.Get("EncodedMessage")
	if encoded == "" {
		return nil, query.MissingParameter("EncodedMessage")
	}
	if c.Principal.UserSession() {
		return nil, query.Errorf(http.StatusForbidden, "AccessDenied", "Cannot call DecodeAuthorizationMessage with session credentials")
	}
	if qerr := s.allowed(ctx, c, "sts:DecodeAuthorizationMessage"); qerr != nil {
		return nil, qerr
	}
	decoded, err := s.messages.Decode(encoded)
	if err != nil {
		return nil, query.Errorf(http.StatusBadRequest, "InvalidAuthorizationMessageException",
			"The encoded message is not one this deployment wrote: pass it whole, as the request log shows it.")
	}
	return struct{ DecodedMessage string }{decoded}, nil
}

var accessKeyIDPattern = regexp.MustCompile(`^\w*$`)

// getAccessKeyInfo names the account of an access key id, for a caller
// allowed sts:GetAccessKeyInfo (note 74): the key's owner when the key is
// one of the installation's long-term keys, else the account the id
// carries, as every access key id does, a session's included.
func (s *Service) getAccessKeyInfo(ctx context.Context, c *Call) (any, *query.Error) {
	id := c.Request.Get("AccessKeyId")
	if !c.Request.Has("AccessKeyId") {
		return nil, query.MissingParameter("AccessKeyId")
	}
	if err := query.CheckLength(id, "accessKeyId", 16, 128); err != nil {
		return nil, err
	}
	if !accessKeyIDPattern.MatchString(id) {
		return nil, query.InvalidMember(id, "accessKeyId", `Member must satisfy regular expression pattern: [\w]*`)
	}
	if qerr := s.allowed(ctx, c, "sts:GetAccessKeyInfo"); qerr != nil {
		return nil, qerr
	}
	account, known := "", false
	switch key, err := s.store.AccessKey(ctx, id); {
	case err == nil:
		account, known = key.Account, true
	case !errors.Is(err, trustgate.ErrNotFound):
		return nil, internal(err)
	default:
		account, known = ids.AccountOfAccessKey(id)
	}
	if !known {
		return nil, invalidParameter("%s is not an access key ID: one is 20 characters, a prefix such as AKIA or ASIA and 16 of base32.", id)
	}
	return struct{ Account string }{account}, nil
}

// allowed refuses a call of an action that has no resource unless the
// caller's policies allow it.
func (s *Service) allowed(ctx context.Context, c *Call, action string) *query.Error {
	decision, err := s.access.Check(ctx, &access.Request{Principal: c.Principal, Action: action, Resource: "*", ResourceAccount: c.Principal.Account, Origin: c.Origin})
	if err != nil {
		return internal(err)
	}
	if decision.Decision != authz.Allow {
		return query.Errorf(http.StatusForbidden, "AccessDenied", "%s", access.DeniedMessage(c.Principal, action, "*", decision))
	}
	return nil
}

func internal(err error) *query.Error {
	e := query.Errorf(http.StatusInternalServerError, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure.")
	e.Cause = err
	return e
}
