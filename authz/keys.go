package authz

import (
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/trustgate/trustgate/arn"
	"github.com/trustgate/trustgate/policy"
)

// CallerFacts is what the global condition keys say about a caller.
type CallerFacts struct {
	Caller policy.Caller
	// UserID is aws:userid: AIDA... for a user, AROA...:session for a role
	// session, the account id for root.
	UserID string
	// Username is aws:username, present for IAM users only.
	Username string
	// Tags are the principal's tags (aws:PrincipalTag/*): a user's tags, or
	// a role's tags with the session's tags over them.
	Tags map[string]string
	// OrgID and OrgPaths place the caller's account in its organization
	// (aws:PrincipalOrgID, aws:PrincipalOrgPaths); empty outside one.
	OrgID    string
	OrgPaths []string
	// Temporary is set for temporary credentials (a session token).
	Temporary bool
	// MFAAuthenticated is when the caller last proved MFA; zero when the
	// credentials were not obtained with MFA.
	MFAAuthenticated time.Time
	// TokenIssued is when temporary credentials were issued.
	TokenIssued    time.Time
	SourceIdentity string
}

// principalTypes are the values of aws:PrincipalType.
var principalTypes = map[policy.CallerKind]string{
	policy.Anonymous:     "Anonymous",
	policy.Root:          "Account",
	policy.User:          "User",
	policy.AssumedRole:   "AssumedRole",
	policy.FederatedUser: "FederatedUser",
	policy.Service:       "AWSService",
}

// SetCallerKeys sets the global condition keys that describe the caller,
// as AWS populates them at time now.
func SetCallerKeys(ctx *policy.Context, f *CallerFacts, now time.Time) {
	c := &f.Caller
	ctx.Set("aws:PrincipalType", principalTypes[c.Kind])
	if c.Kind == policy.Service {
		ctx.Set("aws:PrincipalIsAWSService", "true")
		ctx.Set("aws:PrincipalServiceName", c.ServiceName)
		return
	}
	if c.Kind == policy.Anonymous {
		return
	}
	ctx.Set("aws:PrincipalIsAWSService", falseValue...)
	ctx.Set("aws:PrincipalAccount", c.Account)
	principalARN := c.ARN
	if c.Kind == policy.AssumedRole && c.IssuerARN != "" {
		principalARN = c.IssuerARN // a role session's aws:PrincipalArn is its role
	}
	ctx.Set("aws:PrincipalArn", principalARN)
	if f.UserID != "" {
		ctx.Set("aws:userid", f.UserID)
	}
	if c.Kind == policy.User && f.Username != "" {
		ctx.Set("aws:username", f.Username)
	}
	for k, v := range f.Tags {
		ctx.Set("aws:PrincipalTag/"+k, v)
	}
	if f.OrgID != "" {
		ctx.Set("aws:PrincipalOrgID", f.OrgID)
		ctx.Set("aws:PrincipalOrgPaths", f.OrgPaths...)
	}
	switch {
	case !f.MFAAuthenticated.IsZero():
		ctx.Set("aws:MultiFactorAuthPresent", "true")
		age := max(int64(now.Sub(f.MFAAuthenticated)/time.Second), 0)
		ctx.Set("aws:MultiFactorAuthAge", strconv.FormatInt(age, 10))
	case f.Temporary:
		// Present, and false, for temporary credentials without MFA;
		// absent for long-term access keys.
		ctx.Set("aws:MultiFactorAuthPresent", "false")
	}
	if f.Temporary && !f.TokenIssued.IsZero() {
		ctx.Set("aws:TokenIssueTime", f.TokenIssued.UTC().Format(time.RFC3339))
	}
	if f.SourceIdentity != "" {
		ctx.Set("aws:SourceIdentity", f.SourceIdentity)
	}
}

// RequestFacts is what the global condition keys say about the request
// itself and the resource it reaches.
type RequestFacts struct {
	Time             time.Time
	SourceIP         string
	SecureTransport  bool
	Region           string // aws:RequestedRegion
	ResourceAccount  string
	ResourceOrgID    string
	ResourceOrgPaths []string
}

// SetRequestKeys sets the global condition keys that describe the request.
func SetRequestKeys(ctx *policy.Context, f *RequestFacts) {
	clock := clockValues(f.Time)
	ctx.Set("aws:CurrentTime", clock.current...)
	ctx.Set("aws:EpochTime", clock.epoch...)
	if f.SecureTransport {
		ctx.Set("aws:SecureTransport", trueValue...)
	} else {
		ctx.Set("aws:SecureTransport", falseValue...)
	}
	if f.SourceIP != "" {
		ctx.Set("aws:SourceIp", f.SourceIP)
	}
	if f.Region != "" {
		ctx.Set("aws:RequestedRegion", f.Region)
	}
	if f.ResourceAccount != "" {
		ctx.Set("aws:ResourceAccount", f.ResourceAccount)
	}
	if f.ResourceOrgID != "" {
		ctx.Set("aws:ResourceOrgID", f.ResourceOrgID)
		ctx.Set("aws:ResourceOrgPaths", f.ResourceOrgPaths...)
	}
}

// Values shared by every request's context, which only reads them.
var (
	trueValue  = []string{"true"}
	falseValue = []string{"false"}
)

// clock is aws:CurrentTime and aws:EpochTime for one second.
type clock struct {
	sec            int64
	current, epoch []string
}

var lastClock atomic.Pointer[clock]

// clockValues formats the time keys once a second rather than on every
// request: both have a second's precision.
func clockValues(t time.Time) *clock {
	sec := t.Unix()
	if c := lastClock.Load(); c != nil && c.sec == sec {
		return c
	}
	c := &clock{sec: sec, current: []string{t.UTC().Format(time.RFC3339)}, epoch: []string{strconv.FormatInt(sec, 10)}}
	lastClock.Store(c)
	return c
}

// ParseCaller describes the principal named by an ARN: an account root,
// an IAM user, an assumed-role or federated-user session; a service
// principal such as ec2.amazonaws.com; or "anonymous". A session's
// IssuerARN is derived from its role name, so a role with a path must
// have IssuerARN set by whoever knows it.
func ParseCaller(s string) (policy.Caller, error) {
	if s == "" || s == "anonymous" {
		return policy.Caller{Kind: policy.Anonymous}, nil
	}
	a, ok := arn.Split(s)
	if !ok {
		if strings.HasSuffix(s, ".amazonaws.com") {
			return policy.Caller{Kind: policy.Service, ServiceName: s}, nil
		}
		return policy.Caller{}, fmt.Errorf("principal %q is not an ARN, a service principal or \"anonymous\"", s)
	}
	if !arn.IsAccountID(a.Account) {
		return policy.Caller{}, fmt.Errorf("principal %q: the account must be a 12-digit id", s)
	}
	c := policy.Caller{Account: a.Account, ARN: s}
	switch {
	case a.Service == "iam" && a.Resource == "root":
		c.Kind = policy.Root
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "user/"):
		c.Kind = policy.User
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "assumed-role/"):
		parts := strings.Split(a.Resource, "/")
		if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
			return policy.Caller{}, fmt.Errorf("principal %q: an assumed-role ARN ends in assumed-role/ROLE/SESSION", s)
		}
		c.Kind = policy.AssumedRole
		c.IssuerARN = "arn:" + a.Partition + ":iam::" + a.Account + ":role/" + parts[1]
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "federated-user/"):
		c.Kind = policy.FederatedUser
	default:
		return policy.Caller{}, fmt.Errorf("principal %q is not a root, user, assumed-role or federated-user ARN", s)
	}
	return c, nil
}
