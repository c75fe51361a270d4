package iamapi

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/arn"
	"github.com/trustgate/trustgate/authz"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/protocol/query"
)

// The policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy
// decide each action on each resource with the evaluator that enforces
// requests (authz), over the policies given and, for a principal, those
// IAM keeps for it (note 35).

// source is a policy in a simulation, with the id and type the results
// name it by.
type source struct {
	id, kind string // SourcePolicyId, SourcePolicyType
	policy   *policy.Policy
}

// simulation is what one Simulate call decides.
type simulation struct {
	caller    policy.Caller
	identity  []source
	boundary  *source
	resource  *source
	owner     string // ResourceOwner: the account of resources whose ARN names none
	actions   []string
	resources []string // nil for "*"
	context   *policy.Context
}

func (s *Service) simulatePrincipalPolicy(ctx context.Context, c *Call) (any, *query.Error) {
	sourceARN := c.Request.Get("PolicySourceArn")
	if sourceARN == "" {
		return nil, query.MissingParameter("PolicySourceArn")
	}
	if err := s.authorize(ctx, c, "iam:SimulatePrincipalPolicy", sourceARN); err != nil {
		return nil, err
	}
	a, ok := arn.Split(sourceARN)
	kind, name, _ := strings.Cut(a.Resource, "/")
	if !ok || a.Service != "iam" || a.Account != c.Principal.Account || !slices.Contains([]string{"user", "group", "role"}, kind) {
		return nil, query.Errorf(http.StatusBadRequest, "InvalidInput",
			"Invalid PolicySourceArn %s: it must be the ARN of a user, group or role of account %s.", sourceARN, c.Principal.Account)
	}
	name = name[strings.LastIndexByte(name, '/')+1:]
	sim := &simulation{}
	e := trustgate.Entity{Account: a.Account, Kind: trustgate.EntityKind(kind), Name: name}
	var boundary string
	switch e.Kind {
	case trustgate.UserEntity:
		u, err := s.store.User(ctx, a.Account, name)
		if err != nil {
			return nil, storeError(err, "user with name "+name)
		}
		sim.caller = policy.Caller{Kind: policy.User, Account: a.Account, ARN: u.ARN()}
		boundary = u.Boundary
		if qerr := s.entitySources(ctx, sim, e); qerr != nil {
			return nil, qerr
		}
		groups, err := s.store.GroupsForUser(ctx, a.Account, u.Name)
		if err != nil {
			return nil, internal(err)
		}
		for _, g := range groups {
			if qerr := s.entitySources(ctx, sim, trustgate.Entity{Account: a.Account, Kind: trustgate.GroupEntity, Name: g.Name}); qerr != nil {
				return nil, qerr
			}
		}
	case trustgate.GroupEntity:
		g, err := s.store.Group(ctx, a.Account, name)
		if err != nil {
			return nil, storeError(err, "group with name "+name)
		}
		sim.caller = policy.Caller{Kind: policy.User, Account: a.Account, ARN: g.ARN()}
		if qerr := s.entitySources(ctx, sim, e); qerr != nil {
			return nil, qerr
		}
	case trustgate.RoleEntity:
		r, err := s.store.Role(ctx, a.Account, name)
		if err != nil {
			return nil, storeError(err, "role with name "+name)
		}
		sim.caller = policy.Caller{Kind: policy.AssumedRole, Account: a.Account, ARN: r.ARN(), IssuerARN: r.ARN()}
		boundary = r.Boundary
		if qerr := s.entitySources(ctx, sim, e); qerr != nil {
			return nil, qerr
		}
	}
	if boundary != "" {
		p, err := s.access.ManagedPolicy(ctx, boundary)
		if err != nil {
			return nil, internal(err)
		}
		sim.boundary = &source{id: managedName(boundary), kind: managedKind(boundary), policy: p}
	}
	if qerr := s.readSimulation(c, sim, e.Kind == trustgate.UserEntity); qerr != nil {
		return nil, qerr
	}
	return s.simulate(c, sim)
}

func (s *Service) simulateCustomPolicy(ctx context.Context, c *Call) (any, *query.Error) {
	if err := s.authorize(ctx, c, "iam:SimulateCustomPolicy", "*"); err != nil {
		return nil, err
	}
	if len(c.Request.Members("PolicyInputList")) == 0 {
		return nil, query.MissingParameter("PolicyInputList")
	}
	// The policies are simulated as an IAM user's of the caller's account,
	// never with the root user's exemption; CallerArn names another user.
	sim := &simulation{caller: policy.Caller{Kind: policy.User, Account: c.Principal.Account, ARN: c.Principal.ARN}}
	if qerr := s.readSimulation(c, sim, false); qerr != nil {
		return nil, qerr
	}
	return s.simulate(c, sim)
}

// entitySources adds the inline and attached policies of a user, group or
// role to the simulation.
func (s *Service) entitySources(ctx context.Context, sim *simulation, e trustgate.Entity) *query.Error {
	inline, err := s.store.InlinePolicies(ctx, e)
	if err != nil {
		return internal(err)
	}
	for _, ip := range inline {
		p, err := policy.Parse(ip.Document, policy.Identity)
		if err != nil {
			return internal(err)
		}
		sim.identity = append(sim.identity, source{id: ip.Name, kind: string(e.Kind), policy: p})
	}
	arns, err := s.store.AttachedPolicies(ctx, e)
	if err != nil {
		return internal(err)
	}
	for _, a := range arns {
		p, err := s.access.ManagedPolicy(ctx, a)
		if err != nil {
			return internal(err)
		}
		sim.identity = append(sim.identity, source{id: managedName(a), kind: managedKind(a), policy: p})
	}
	return nil
}

func managedName(policyARN string) string { return policyARN[strings.LastIndexByte(policyARN, '/')+1:] }

func managedKind(policyARN string) string {
	if strings.HasPrefix(policyARN, "arn:aws:iam::aws:policy/") {
		return "aws-managed"
	}
	return "user-managed"
}

// readSimulation reads the parameters both simulations share.
func (s *Service) readSimulation(c *Call, sim *simulation, sourceIsUser bool) *query.Error {
	req := c.Request
	sim.actions = req.Members("ActionNames")
	if len(sim.actions) == 0 {
		return query.MissingParameter("ActionNames")
	}
	for _, a := range sim.actions {
		if len(a) < 3 || len(a) > 128 || !strings.Contains(a, ":") {
			return query.Errorf(http.StatusBadRequest, "InvalidInput", "Invalid action name %q: it must name the service and the action, as iam:CreateUser.", a)
		}
	}
	sim.resources = req.Members("ResourceArns")
	for i, doc := range req.Members("PolicyInputList") {
		p, err := policy.Parse(doc, policy.Identity)
		if err != nil {
			return query.Errorf(http.StatusBadRequest, "InvalidInput", "PolicyInputList.%d is not a valid identity policy: %s", i+1, err)
		}
		sim.identity = append(sim.identity, source{id: "PolicyInputList." + strconv.Itoa(i+1), kind: "IAM Policy", policy: p})
	}
	switch boundaries := req.Members("PermissionsBoundaryPolicyInputList"); {
	case len(boundaries) > 1:
		return query.Errorf(http.StatusBadRequest, "InvalidInput", "PermissionsBoundaryPolicyInputList takes one permissions boundary, not %d.", len(boundaries))
	case len(boundaries) == 1:
		p, err := policy.Parse(boundaries[0], policy.Identity)
		if err != nil {
			return query.Errorf(http.StatusBadRequest, "InvalidInput", "PermissionsBoundaryPolicyInputList.1 is not a valid permissions boundary: %s", err)
		}
		sim.boundary = &source{id: "PermissionsBoundaryPolicyInputList.1", kind: "IAM Policy", policy: p}
	}
	if callerARN := req.Get("CallerArn"); callerARN != "" {
		a, ok := arn.Split(callerARN)
		if !ok || a.Service != "iam" || !strings.HasPrefix(a.Resource, "user/") || !arn.IsAccountID(a.Account) {
			return query.Errorf(http.StatusBadRequest, "InvalidInput",
				"Invalid CallerArn %s: it must be the ARN of an IAM user, as arn:aws:iam::111122223333:user/NAME.", callerARN)
		}
		sim.caller = policy.Caller{Kind: policy.User, Account: a.Account, ARN: callerARN}
		sourceIsUser = true
	}
	if doc := req.Get("ResourcePolicy"); req.Has("ResourcePolicy") {
		if !sourceIsUser {
			return query.Errorf(http.StatusBadRequest, "InvalidInput",
				"CallerArn is required with a ResourcePolicy unless PolicySourceArn is a user: name the IAM user the resource policy's Principal is matched against.")
		}
		p, err := policy.Parse(doc, policy.Resource)
		if err != nil {
			return query.Errorf(http.StatusBadRequest, "InvalidInput", "ResourcePolicy is not a valid resource-based policy: %s", err)
		}
		sim.resource = &source{id: "ResourcePolicy", kind: "resource", policy: p}
	}
	sim.owner = sim.caller.Account
	if o := req.Get("ResourceOwner"); o != "" {
		if !arn.IsAccountID(o) {
			if a, ok := arn.Split(o); ok && arn.IsAccountID(a.Account) {
				o = a.Account // an account root ARN
			} else {
				return query.Errorf(http.StatusBadRequest, "InvalidInput", "Invalid ResourceOwner %s: it must be a 12-digit account id.", o)
			}
		}
		sim.owner = o
	}
	ctxKeys, qerr := contextEntries(req)
	if qerr != nil {
		return qerr
	}
	sim.context = ctxKeys
	return nil
}

// contextEntries reads ContextEntries.member.N.{ContextKeyName,
// ContextKeyValues.member.M, ContextKeyType}.
func contextEntries(req *query.Request) (*policy.Context, *query.Error) {
	keys := policy.NewContext()
	types := []string{"string", "stringList", "numeric", "numericList", "boolean", "booleanList", "ip", "ipList", "binary", "binaryList", "date", "dateList"}
	for i := 1; ; i++ {
		prefix := "ContextEntries.member." + strconv.Itoa(i)
		name := req.Get(prefix + ".ContextKeyName")
		if !req.Has(prefix + ".ContextKeyName") {
			return keys, nil
		}
		if len(name) < 5 || len(name) > 256 {
			return nil, query.InvalidMember(name, "contextEntries."+strconv.Itoa(i)+".member.contextKeyName", "Member must have length between 5 and 256")
		}
		if t := req.Get(prefix + ".ContextKeyType"); t != "" && !slices.Contains(types, t) {
			return nil, query.InvalidMember(t, "contextEntries."+strconv.Itoa(i)+".member.contextKeyType", "Member must satisfy enum value set: ["+strings.Join(types, ", ")+"]")
		}
		keys.Set(name, req.Members(prefix+".ContextKeyValues")...)
	}
}

// The result shapes of the simulations.
type (
	evaluationResult struct {
		EvalActionName                    string
		EvalResourceName                  string
		EvalDecision                      string
		MatchedStatements                 statementList
		MissingContextValues              *memberList `xml:",omitempty"`
		OrganizationsDecisionDetail       organizationsDetail
		PermissionsBoundaryDecisionDetail *boundaryDetail  `xml:",omitempty"`
		EvalDecisionDetails               *decisionDetails `xml:",omitempty"`
		ResourceSpecificResults           *resourceResults `xml:",omitempty"`
	}
	resourceResults struct {
		Member []resourceResult `xml:"member"`
	}
	resourceResult struct {
		EvalResourceName                  string
		EvalResourceDecision              string
		MatchedStatements                 statementList
		MissingContextValues              memberList
		EvalDecisionDetails               *decisionDetails `xml:",omitempty"`
		PermissionsBoundaryDecisionDetail *boundaryDetail  `xml:",omitempty"`
	}
	statementList struct {
		Member []matchedStatement `xml:"member"`
	}
	matchedStatement struct {
		SourcePolicyId   string
		SourcePolicyType string
		StartPosition    position
		EndPosition      position
	}
	position struct {
		Line   int
		Column int
	}
	memberList struct {
		Member []string `xml:"member"`
	}
	organizationsDetail struct {
		AllowedByOrganizations bool
	}
	boundaryDetail struct {
		AllowedByPermissionsBoundary bool
	}
	decisionDetails struct {
		Entry []decisionEntry `xml:"entry"`
	}
	decisionEntry struct {
		Key   string `xml:"key"`
		Value string `xml:"value"`
	}
)

var decisionNames = map[authz.Decision]string{authz.Allow: "allowed", authz.ExplicitDeny: "explicitDeny", authz.ImplicitDeny: "implicitDeny"}

// simulate decides every action on every resource.
func (s *Service) simulate(c *Call, sim *simulation) (any, *query.Error) {
	sources := map[*policy.Policy]*source{}
	var identity []*policy.Policy
	for i := range sim.identity {
		sources[sim.identity[i].policy] = &sim.identity[i]
		identity = append(identity, sim.identity[i].policy)
	}
	req := authz.Request{Caller: sim.caller, Identity: identity, Context: sim.context}
	if sim.boundary != nil {
		sources[sim.boundary.policy] = sim.boundary
		req.Boundary = sim.boundary.policy
	}
	if sim.resource != nil {
		sources[sim.resource.policy] = sim.resource
		req.ResourcePolicy = sim.resource.policy
	}
	resources := sim.resources
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	missing := sim.missingKeys()
	var results []evaluationResult
	for _, action := range sim.actions {
		for _, resource := range resources {
			req.Action, req.Resource, req.ResourceAccount = action, resource, sim.owner
			if a, ok := arn.Split(resource); ok && arn.IsAccountID(a.Account) {
				req.ResourceAccount = a.Account
			}
			r := authz.Explain(&req)
			er := evaluationResult{
				EvalActionName: action, EvalResourceName: resource, EvalDecision: decisionNames[r.Decision],
				MatchedStatements:           matchedStatements(r, sources),
				OrganizationsDecisionDetail: organizationsDetail{r.Type != authz.ServiceControlPolicy || r.Decision == authz.Allow},
			}
			if sim.boundary != nil {
				er.PermissionsBoundaryDecisionDetail = &boundaryDetail{allowedBy(r, authz.PermissionsBoundary)}
			}
			if resource == "*" {
				er.MissingContextValues = &memberList{Member: missing}
			} else {
				er.EvalDecisionDetails = decisionDetailsOf(r, sim.caller.Account != req.ResourceAccount)
				er.ResourceSpecificResults = &resourceResults{Member: []resourceResult{{
					EvalResourceName: resource, EvalResourceDecision: er.EvalDecision, MatchedStatements: er.MatchedStatements,
					MissingContextValues: memberList{Member: missing}, EvalDecisionDetails: er.EvalDecisionDetails,
					PermissionsBoundaryDecisionDetail: er.PermissionsBoundaryDecisionDetail,
				}}}
			}
			results = append(results, er)
		}
	}
	pageResults, pg, qerr := paginate(c, results)
	if qerr != nil {
		return nil, qerr
	}
	return struct {
		EvaluationResults struct {
			Member []evaluationResult `xml:"member"`
		}
		page
	}{struct {
		Member []evaluationResult `xml:"member"`
	}{pageResults}, pg}, nil
}

// matchedStatements lists the statements that decided: the denying ones
// of an explicit deny, the allowing ones of an allow, none otherwise.
func matchedStatements(r authz.Result, sources map[*policy.Policy]*source) statementList {
	var out statementList
	want := policy.Allow
	switch r.Decision {
	case authz.ImplicitDeny:
		return out
	case authz.ExplicitDeny:
		want = policy.Deny
	}
	for _, m := range r.Matched {
		src, ok := sources[m.Statement.Policy()]
		if !ok || m.Statement.Effect != want {
			continue
		}
		start, end := src.policy.StatementPosition(m.Statement.Index)
		out.Member = append(out.Member, matchedStatement{SourcePolicyId: src.id, SourcePolicyType: src.kind,
			StartPosition: position(start), EndPosition: position(end)})
	}
	return out
}

// allowedBy reports whether the policies of type t let the request
// through: an Allow of theirs matched and no Deny did.
func allowedBy(r authz.Result, t authz.PolicyType) bool {
	allowed := false
	for _, m := range r.Matched {
		if m.Type != t {
			continue
		}
		if m.Statement.Effect == policy.Deny {
			return false
		}
		allowed = true
	}
	return allowed
}

// decisionDetailsOf summarizes, for a cross-account simulation, what the
// identity-based and the resource-based policies each decided; it is
// present but empty within one account.
func decisionDetailsOf(r authz.Result, crossAccount bool) *decisionDetails {
	d := &decisionDetails{}
	if !crossAccount {
		return d
	}
	for _, side := range []struct {
		name string
		t    authz.PolicyType
	}{{"IAM Policy", authz.IdentityPolicy}, {"Resource Policy", authz.ResourcePolicy}} {
		decision := authz.ImplicitDeny
		for _, m := range r.Matched {
			if m.Type != side.t {
				continue
			}
			if m.Statement.Effect == policy.Deny {
				decision = authz.ExplicitDeny
				break
			}
			decision = authz.Allow
		}
		d.Entry = append(d.Entry, decisionEntry{Key: side.name, Value: decisionNames[decision]})
	}
	return d
}

// missingKeys lists the condition keys the simulation's policies test
// that its ContextEntries do not give, sorted.
func (sim *simulation) missingKeys() []string {
	seen := map[string]bool{}
	var out []string
	add := func(p *policy.Policy) {
		for _, st := range p.Statements {
			for _, cond := range st.Conditions {
				lower := strings.ToLower(cond.Key)
				if _, given := sim.context.Get(cond.Key); given || seen[lower] {
					continue
				}
				seen[lower] = true
				out = append(out, cond.Key)
			}
		}
	}
	for _, src := range sim.identity {
		add(src.policy)
	}
	if sim.boundary != nil {
		add(sim.boundary.policy)
	}
	if sim.resource != nil {
		add(sim.resource.policy)
	}
	slices.Sort(out)
	return out
}
