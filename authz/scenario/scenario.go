// Package scenario reads and writes a request together with the policies
// around it, as JSON. It is the format of the evaluation corpus under
// authz/testdata, of the differential tests, and of `trustgate simulate`.
package scenario

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/trustgate/trustgate/authz"
	"github.com/trustgate/trustgate/policy"
)

// Case is one request to decide, with the decision expected of it.
type Case struct {
	Name string `json:"name"`
	// Note names what the case rests on: a note in docs/aws-behaviour.md
	// or an AWS document.
	Note     string   `json:"note,omitempty"`
	Request  Request  `json:"request"`
	Policies Policies `json:"policies"`
	Expect   *Expect  `json:"expect,omitempty"`
}

// Request describes the request. The caller's global condition keys
// (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
// aws:username) and aws:ResourceAccount are derived from Principal and
// ResourceAccount; Context adds to them or overrides them, and a key given
// as null is removed.
type Request struct {
	// Principal is an ARN of a root, user, assumed-role or federated-user
	// session, a service principal, or "anonymous".
	Principal       string            `json:"principal"`
	Action          string            `json:"action"`
	Resource        string            `json:"resource"`
	ResourceAccount string            `json:"resourceAccount,omitempty"`
	Context         map[string]Values `json:"context,omitempty"`
	// IssuerARN overrides the role derived from an assumed-role ARN, for a
	// role with a path, or names the user behind a federated user.
	IssuerARN         string `json:"issuerArn,omitempty"`
	ServiceLinkedRole bool   `json:"serviceLinkedRole,omitempty"`
	ManagementAccount string `json:"managementAccount,omitempty"`
}

// Policies are the policy documents that apply, as JSON objects.
type Policies struct {
	Identity []json.RawMessage `json:"identity,omitempty"`
	Boundary json.RawMessage   `json:"boundary,omitempty"`
	Session  []json.RawMessage `json:"session,omitempty"`
	// Resource is a resource-based policy such as a bucket policy.
	Resource json.RawMessage `json:"resource,omitempty"`
	// Trust is a role's trust policy: the resource policy of the role,
	// which must allow even within its account.
	Trust json.RawMessage `json:"trust,omitempty"`
	// SCPs and RCPs list the policies of each level, from the
	// organization root down to the account.
	SCPs [][]json.RawMessage `json:"scps,omitempty"`
	RCPs [][]json.RawMessage `json:"rcps,omitempty"`
}

// Expect is the expected outcome.
type Expect struct {
	Decision string `json:"decision"`       // Allow, ExplicitDeny or ImplicitDeny
	By       string `json:"by,omitempty"`   // the deciding policy type: identity, resource, boundary, session, scp, rcp
	Sid      string `json:"sid,omitempty"`  // the deciding statement's Sid
	Note     string `json:"note,omitempty"` // why, for readers
}

// Values is a condition key's values: a JSON string, a list of strings,
// or null to remove the key.
type Values []string

// UnmarshalJSON reads a string, a list of strings, or null.
func (v *Values) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*v = nil
		return nil
	}
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*v = Values{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("a condition key's value must be a string, a list of strings or null: %s", b)
	}
	*v = Values(many)
	if *v == nil {
		*v = Values{}
	}
	return nil
}

// Load reads a file holding one case or a list of cases.
func Load(path string) ([]Case, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Decode(b)
}

// Decode reads one case or a list of cases.
func Decode(b []byte) ([]Case, error) {
	trimmed := strings.TrimSpace(string(b))
	if strings.HasPrefix(trimmed, "[") {
		var cases []Case
		if err := strictUnmarshal(b, &cases); err != nil {
			return nil, err
		}
		return cases, nil
	}
	var c Case
	if err := strictUnmarshal(b, &c); err != nil {
		return nil, err
	}
	return []Case{c}, nil
}

func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// Build compiles the case's policies and context into an authz.Request.
func (c *Case) Build() (*authz.Request, error) {
	caller, err := authz.ParseCaller(c.Request.Principal)
	if err != nil {
		return nil, err
	}
	if c.Request.IssuerARN != "" {
		caller.IssuerARN = c.Request.IssuerARN
	}
	req := &authz.Request{
		Caller:            caller,
		ServiceLinkedRole: c.Request.ServiceLinkedRole,
		Action:            c.Request.Action,
		Resource:          c.Request.Resource,
		ResourceAccount:   c.Request.ResourceAccount,
		ManagementAccount: c.Request.ManagementAccount,
		Context:           c.Context(caller),
	}
	parse := func(raw json.RawMessage, kind policy.Kind, name string) (*policy.Policy, error) {
		p, err := policy.Parse(string(raw), kind)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		p.Name = name
		return p, nil
	}
	for i, raw := range c.Policies.Identity {
		p, err := parse(raw, policy.Identity, fmt.Sprintf("identity policy %d", i+1))
		if err != nil {
			return nil, err
		}
		req.Identity = append(req.Identity, p)
	}
	if len(c.Policies.Boundary) > 0 {
		if req.Boundary, err = parse(c.Policies.Boundary, policy.Identity, "permissions boundary"); err != nil {
			return nil, err
		}
	}
	for i, raw := range c.Policies.Session {
		p, err := parse(raw, policy.Session, fmt.Sprintf("session policy %d", i+1))
		if err != nil {
			return nil, err
		}
		req.Session = append(req.Session, p)
	}
	switch {
	case len(c.Policies.Resource) > 0 && len(c.Policies.Trust) > 0:
		return nil, fmt.Errorf("a case has a resource policy or a trust policy, not both")
	case len(c.Policies.Resource) > 0:
		if req.ResourcePolicy, err = parse(c.Policies.Resource, policy.Resource, "resource policy"); err != nil {
			return nil, err
		}
	case len(c.Policies.Trust) > 0:
		if req.ResourcePolicy, err = parse(c.Policies.Trust, policy.Trust, "trust policy"); err != nil {
			return nil, err
		}
		req.ResourcePolicyRequired = true
	}
	if req.SCPs, err = levels(c.Policies.SCPs, policy.ServiceControl, "SCP", parse); err != nil {
		return nil, err
	}
	if req.RCPs, err = levels(c.Policies.RCPs, policy.ResourceControl, "RCP", parse); err != nil {
		return nil, err
	}
	return req, nil
}

func levels(in [][]json.RawMessage, kind policy.Kind, label string,
	parse func(json.RawMessage, policy.Kind, string) (*policy.Policy, error)) ([]authz.Level, error) {
	if in == nil {
		return nil, nil
	}
	out := make([]authz.Level, len(in))
	for i, docs := range in {
		out[i].Target = fmt.Sprintf("level %d", i+1)
		for j, raw := range docs {
			p, err := parse(raw, kind, fmt.Sprintf("%s %d at level %d", label, j+1, i+1))
			if err != nil {
				return nil, err
			}
			out[i].Policies = append(out[i].Policies, p)
		}
	}
	return out, nil
}

// Context builds the request's condition keys: those derived from the
// caller and the resource account, then the case's own.
func (c *Case) Context(caller policy.Caller) *policy.Context {
	ctx := policy.NewContext()
	facts := authz.CallerFacts{Caller: caller}
	if caller.Kind == policy.User {
		facts.Username = caller.ARN[strings.LastIndexByte(caller.ARN, '/')+1:]
	}
	authz.SetCallerKeys(ctx, &facts, time.Time{})
	if c.Request.ResourceAccount != "" {
		ctx.Set("aws:ResourceAccount", c.Request.ResourceAccount)
	}
	for k, v := range c.Request.Context {
		if v == nil {
			ctx.Delete(k)
			continue
		}
		ctx.Set(k, v...)
	}
	return ctx
}

// ShortType is the corpus's name for a policy type.
func ShortType(t authz.PolicyType) string {
	switch t {
	case authz.IdentityPolicy:
		return "identity"
	case authz.ResourcePolicy:
		return "resource"
	case authz.PermissionsBoundary:
		return "boundary"
	case authz.SessionPolicy:
		return "session"
	case authz.ServiceControlPolicy:
		return "scp"
	case authz.ResourceControlPolicy:
		return "rcp"
	}
	return ""
}
