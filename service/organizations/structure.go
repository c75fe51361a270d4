package orgapi

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/ids"
	"github.com/trustgate/trustgate/managed"
	"github.com/trustgate/trustgate/protocol/jsonrpc"
)

// Organizations' limits.
const (
	MaxOUDepth     = 5 // OUs nested under the root
	MaxListResults = 20
)

// AdministrationRole is the role CreateAccount gives a new account unless
// asked for another name, trusting the management account.
const AdministrationRole = "OrganizationAccountAccessRole"

// Id patterns of Organizations.
var (
	accountIDPattern = regexp.MustCompile(`^\d{12}$`)
	rootIDPattern    = regexp.MustCompile(`^r-[0-9a-z]{4,32}$`)
	ouIDPattern      = regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`)
	policyIDPattern  = regexp.MustCompile(`^p-[0-9a-zA-Z_]{8,128}$`)
	emailPattern     = regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)
	printable        = regexp.MustCompile(`^[\x20-\x7e]+$`)
	roleNamePattern  = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
)

// Kinds of the organization's nodes, as the API names them.
const (
	kindRoot    = "ROOT"
	kindOU      = "ORGANIZATIONAL_UNIT"
	kindAccount = "ACCOUNT"
)

// tree is the organization's structure, read whole: it is small, and the
// operations on it look up and down.
type tree struct {
	orgID    string
	rootID   string
	accounts map[string]*trustgate.Account
	listed   []*trustgate.Account // the accounts as the store lists them
	ous      map[string]*trustgate.OrganizationalUnit
}

func (s *Service) tree(ctx context.Context, c *Call) (*tree, *jsonrpc.Error) {
	t := &tree{orgID: c.org.ID, rootID: c.org.RootID, accounts: map[string]*trustgate.Account{}, ous: map[string]*trustgate.OrganizationalUnit{}}
	accounts, err := s.store.Accounts(ctx)
	if err != nil {
		return nil, internal(err)
	}
	t.listed = accounts
	for _, a := range accounts {
		t.accounts[a.ID] = a
	}
	ous, err := s.store.OUs(ctx)
	if err != nil {
		return nil, internal(err)
	}
	for _, ou := range ous {
		t.ous[ou.ID] = ou
	}
	return t, nil
}

// kind tells what an id names in the organization: "" when nothing.
func (t *tree) kind(id string) string {
	switch {
	case id == t.rootID:
		return kindRoot
	case t.ous[id] != nil:
		return kindOU
	case t.accounts[id] != nil:
		return kindAccount
	}
	return ""
}

// parent is the parent of a node, "" for the root.
func (t *tree) parent(id string) string {
	if ou := t.ous[id]; ou != nil {
		return ou.ParentID
	}
	if a := t.accounts[id]; a != nil {
		return a.ParentID
	}
	return ""
}

// path is where a node sits in the organization, as an Account's Paths
// give it: o-.../r-.../ou-.../ and the node, ending in a slash.
func (t *tree) path(id string) string {
	var up []string
	for n := id; n != "" && len(up) <= MaxOUDepth+1; n = t.parent(n) {
		up = append(up, n)
		if n == t.rootID {
			break
		}
	}
	up = append(up, t.orgID)
	slices.Reverse(up)
	return strings.Join(up, "/") + "/"
}

// depth is how deep an OU is: 1 for an OU of the root.
func (t *tree) depth(id string) int {
	n := 0
	for ; id != t.rootID && id != ""; id = t.parent(id) {
		n++
	}
	return n
}

// children lists the accounts or OUs directly in parent, by id.
func (t *tree) children(parent, kind string) []string {
	var out []string
	if kind == kindAccount {
		for id, a := range t.accounts {
			if a.ParentID == parent {
				out = append(out, id)
			}
		}
	} else {
		for id, ou := range t.ous {
			if ou.ParentID == parent {
				out = append(out, id)
			}
		}
	}
	sort.Strings(out)
	return out
}

// The elements of Organizations' answers.
type (
	policyTypeSummary struct {
		Type   string
		Status string
	}
	organizationElement struct {
		Arn                  string
		AvailablePolicyTypes []policyTypeSummary
		FeatureSet           string
		Id                   string
		MasterAccountArn     string
		MasterAccountEmail   string
		MasterAccountId      string
	}
	rootElement struct {
		Arn         string
		Id          string
		Name        string
		PolicyTypes []policyTypeSummary
	}
	accountElement struct {
		Arn             string
		Email           string
		Id              string
		JoinedMethod    string
		JoinedTimestamp epoch
		Name            string
		Paths           []string
		Status          string
		State           string
	}
	ouElement struct {
		Arn  string
		Id   string
		Name string
	}
	createAccountStatusElement struct {
		AccountId          string `json:",omitempty"`
		AccountName        string
		CompletedTimestamp *epoch `json:",omitempty"`
		FailureReason      string `json:",omitempty"`
		Id                 string
		RequestedTimestamp epoch
		State              string
	}
	idAndType struct {
		Id   string
		Type string
	}
)

func (c *Call) accountOf(a *trustgate.Account, t *tree) accountElement {
	method := "CREATED"
	if a.ID == c.org.ManagementAccount {
		method = "INVITED" // the management account joins the organization it creates
	}
	return accountElement{Arn: c.accountARN(a.ID), Email: a.Email, Id: a.ID, JoinedMethod: method, JoinedTimestamp: epoch(a.JoinedAt),
		Name: a.Name, Paths: []string{t.path(a.ID)}, Status: a.Status, State: a.Status}
}

func (c *Call) ouOf(ou *trustgate.OrganizationalUnit) ouElement {
	return ouElement{Arn: c.ouARN(ou.ID), Id: ou.ID, Name: ou.Name}
}

func (c *Call) rootOf() rootElement {
	r := rootElement{Arn: c.rootARN(), Id: c.org.RootID, Name: "Root", PolicyTypes: []policyTypeSummary{}}
	for _, t := range c.org.PolicyTypes {
		r.PolicyTypes = append(r.PolicyTypes, policyTypeSummary{Type: t, Status: "ENABLED"})
	}
	return r
}

func statusOf(st *trustgate.CreateAccountStatus) createAccountStatusElement {
	e := createAccountStatusElement{AccountId: st.AccountID, AccountName: st.AccountName, FailureReason: st.FailureReason,
		Id: st.ID, RequestedTimestamp: epoch(st.RequestedAt), State: st.State}
	if !st.CompletedAt.IsZero() {
		done := epoch(st.CompletedAt)
		e.CompletedTimestamp = &done
	}
	return e
}

func (s *Service) describeOrganization(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	if err := s.authorizeOwn(ctx, c, "organizations:DescribeOrganization", c.orgARN()); err != nil {
		return nil, err
	}
	mgmt, err := s.store.Account(ctx, c.org.ManagementAccount)
	if err != nil {
		return nil, internal(err)
	}
	o := organizationElement{Arn: c.orgARN(), AvailablePolicyTypes: c.rootOf().PolicyTypes, FeatureSet: "ALL", Id: c.org.ID,
		MasterAccountArn: c.accountARN(mgmt.ID), MasterAccountEmail: mgmt.Email, MasterAccountId: mgmt.ID}
	return struct{ Organization organizationElement }{o}, nil
}

func (s *Service) listRoots(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in paging
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, c, "organizations:ListRoots", "*"); err != nil {
		return nil, err
	}
	roots, next, err := page([]rootElement{c.rootOf()}, in.MaxResults, in.NextToken, MaxListResults)
	if err != nil {
		return nil, err
	}
	return struct {
		Roots     []rootElement
		NextToken string `json:",omitempty"`
	}{roots, next}, nil
}

type tagElement struct {
	Key   string
	Value string
}

func (s *Service) createAccount(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct {
		AccountName            string
		Email                  string
		RoleName               string
		IamUserAccessToBilling string
		Tags                   []tagElement
	}
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	switch {
	case len(in.AccountName) < 1 || len(in.AccountName) > 50 || !printable.MatchString(in.AccountName):
		return nil, invalidInput("INVALID_PATTERN", "You specified an invalid value for AccountName: 1 to 50 printable characters.")
	case len(in.Email) < 6 || len(in.Email) > 64 || !emailPattern.MatchString(in.Email):
		return nil, invalidInput("INVALID_EMAIL_ADDRESS_TARGET", "You specified an invalid value for Email: %q is not an email address.", in.Email)
	case in.RoleName != "" && !roleNamePattern.MatchString(in.RoleName):
		return nil, invalidInput("INVALID_ROLE_NAME", "You specified an invalid value for RoleName: it must match [\\w+=,.@-]{1,64}.")
	case in.IamUserAccessToBilling != "" && in.IamUserAccessToBilling != "ALLOW" && in.IamUserAccessToBilling != "DENY":
		return nil, invalidInput("INVALID_ENUM", "You specified an invalid value for IamUserAccessToBilling: ALLOW or DENY.")
	}
	tags, terr := tagsOf(in.Tags)
	if terr != nil {
		return nil, terr
	}
	if err := s.authorize(ctx, c, "organizations:CreateAccount", "*"); err != nil {
		return nil, err
	}
	if in.RoleName == "" {
		in.RoleName = AdministrationRole
	}
	now := s.now().UTC()
	st := &trustgate.CreateAccountStatus{ID: ids.CreateAccountRequest(), AccountName: in.AccountName, RequestedAt: now, CompletedAt: now}
	accounts, err := s.store.Accounts(ctx)
	if err != nil {
		return nil, internal(err)
	}
	for _, a := range accounts {
		if strings.EqualFold(a.Email, in.Email) {
			// AWS records the failure on the request rather than raising.
			st.State, st.FailureReason = "FAILED", "EMAIL_ALREADY_EXISTS"
			if err := s.store.CreateMemberAccount(ctx, &trustgate.MemberAccount{Account: nil, Status: st}); err != nil {
				return nil, internal(err)
			}
			return struct{ CreateAccountStatus createAccountStatusElement }{statusOf(st)}, nil
		}
	}
	a := &trustgate.Account{ID: ids.Account(), Name: in.AccountName, Email: in.Email, ParentID: c.org.RootID, Status: "ACTIVE",
		JoinedAt: now, CreatedAt: now}
	st.State, st.AccountID = "SUCCEEDED", a.ID
	role := &trustgate.Role{Account: a.ID, Name: in.RoleName, ID: ids.Unique(ids.Role), Path: "/",
		TrustPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + c.org.ManagementAccount +
			`:root"},"Action":"sts:AssumeRole"}]}`,
		MaxSessionDuration: 3600, CreatedAt: now}
	m := &trustgate.MemberAccount{Account: a, Role: role, Attached: []string{managed.AdministratorAccessARN}, Status: st}
	if err := s.store.CreateMemberAccount(ctx, m); err != nil {
		return nil, internal(err)
	}
	if err := s.attachDefaults(ctx, c, a.ID); err != nil {
		return nil, err
	}
	if len(tags) > 0 {
		if err := s.store.SetOrgTags(ctx, a.ID, tags); err != nil {
			return nil, internal(err)
		}
	}
	return struct{ CreateAccountStatus createAccountStatusElement }{statusOf(st)}, nil
}

func (s *Service) describeCreateAccountStatus(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct{ CreateAccountRequestId string }
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, c, "organizations:DescribeCreateAccountStatus", "*"); err != nil {
		return nil, err
	}
	st, err := s.store.CreateAccountStatus(ctx, in.CreateAccountRequestId)
	if err != nil {
		return nil, storeError(err, jsonrpc.Errorf(http.StatusBadRequest, "CreateAccountStatusNotFoundException",
			"We can't find a create account request with the CreateAccountRequestId that you specified."))
	}
	return struct{ CreateAccountStatus createAccountStatusElement }{statusOf(st)}, nil
}

func (s *Service) listCreateAccountStatus(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct {
		States []string
		paging
	}
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, c, "organizations:ListCreateAccountStatus", "*"); err != nil {
		return nil, err
	}
	all, err := s.store.CreateAccountStatuses(ctx)
	if err != nil {
		return nil, internal(err)
	}
	var out []createAccountStatusElement
	for _, st := range all {
		if len(in.States) == 0 || contains(in.States, st.State) {
			out = append(out, statusOf(st))
		}
	}
	items, next, perr := page(out, in.MaxResults, in.NextToken, MaxListResults)
	if perr != nil {
		return nil, perr
	}
	return struct {
		CreateAccountStatuses []createAccountStatusElement
		NextToken             string `json:",omitempty"`
	}{nonNil(items), next}, nil
}

func accountNotFound() *jsonrpc.Error {
	return jsonrpc.Errorf(http.StatusBadRequest, "AccountNotFoundException", "You specified an account that doesn't exist.")
}

func (s *Service) describeAccount(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct{ AccountId string }
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	if !accountIDPattern.MatchString(in.AccountId) {
		return nil, invalidInput("INVALID_PATTERN", "You specified an invalid value for AccountId: 12 digits.")
	}
	if err := s.authorize(ctx, c, "organizations:DescribeAccount", c.accountARN(in.AccountId)); err != nil {
		return nil, err
	}
	t, err := s.tree(ctx, c)
	if err != nil {
		return nil, err
	}
	a := t.accounts[in.AccountId]
	if a == nil {
		return nil, accountNotFound()
	}
	return struct{ Account accountElement }{c.accountOf(a, t)}, nil
}

func (s *Service) listAccounts(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in paging
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, c, "organizations:ListAccounts", "*"); err != nil {
		return nil, err
	}
	t, err := s.tree(ctx, c)
	if err != nil {
		return nil, err
	}
	return s.accountPage(c, t, t.listed, in)
}

func (s *Service) accountPage(c *Call, t *tree, accounts []*trustgate.Account, in paging) (any, *jsonrpc.Error) {
	var out []accountElement
	for _, a := range accounts {
		out = append(out, c.accountOf(a, t))
	}
	items, next, err := page(out, in.MaxResults, in.NextToken, MaxListResults)
	if err != nil {
		return nil, err
	}
	return struct {
		Accounts  []accountElement
		NextToken string `json:",omitempty"`
	}{nonNil(items), next}, nil
}

// parentParam checks a ParentId: the root or an OU of the tree.
func parentParam(t *tree, id string) *jsonrpc.Error {
	if !rootIDPattern.MatchString(id) && !ouIDPattern.MatchString(id) {
		return invalidInput("INVALID_PATTERN", "You specified an invalid value for ParentId %q: a root (r-...) or an OU (ou-...).", id)
	}
	if k := t.kind(id); k != kindRoot && k != kindOU {
		return jsonrpc.Errorf(http.StatusBadRequest, "ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")
	}
	return nil
}

// listingInput is the input of the operations that list what a root or
// OU holds.
type listingInput struct {
	ParentId  string
	ChildType string // ListChildren's
	paging
}

// parentListing reads a listing's input, authorizes action, and returns
// the tree with the parent found in it.
func (s *Service) parentListing(ctx context.Context, c *Call, action string) (*tree, *listingInput, *jsonrpc.Error) {
	var in listingInput
	if err := c.Request.Params(&in); err != nil {
		return nil, nil, err
	}
	if err := s.authorize(ctx, c, action, "*"); err != nil {
		return nil, nil, err
	}
	t, err := s.tree(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	if err := parentParam(t, in.ParentId); err != nil {
		return nil, nil, err
	}
	return t, &in, nil
}

func (s *Service) listAccountsForParent(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	t, in, err := s.parentListing(ctx, c, "organizations:ListAccountsForParent")
	if err != nil {
		return nil, err
	}
	var accounts []*trustgate.Account
	for _, id := range t.children(in.ParentId, kindAccount) {
		accounts = append(accounts, t.accounts[id])
	}
	return s.accountPage(c, t, accounts, in.paging)
}

func (s *Service) moveAccount(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct{ AccountId, SourceParentId, DestinationParentId string }
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	if !accountIDPattern.MatchString(in.AccountId) {
		return nil, invalidInput("INVALID_PATTERN", "You specified an invalid value for AccountId: 12 digits.")
	}
	if err := s.authorize(ctx, c, "organizations:MoveAccount", c.accountARN(in.AccountId)); err != nil {
		return nil, err
	}
	t, err := s.tree(ctx, c)
	if err != nil {
		return nil, err
	}
	a := t.accounts[in.AccountId]
	switch {
	case a == nil:
		return nil, accountNotFound()
	case t.kind(in.SourceParentId) != kindRoot && t.kind(in.SourceParentId) != kindOU:
		return nil, jsonrpc.Errorf(http.StatusBadRequest, "SourceParentNotFoundException", "We can't find a source root or OU with the ParentId that you specified.")
	case t.kind(in.DestinationParentId) != kindRoot && t.kind(in.DestinationParentId) != kindOU:
		return nil, jsonrpc.Errorf(http.StatusBadRequest, "DestinationParentNotFoundException", "We can't find a destination root or OU with the ParentId that you specified.")
	case a.ParentID == in.DestinationParentId:
		return nil, jsonrpc.Errorf(http.StatusBadRequest, "DuplicateAccountException", "That account is already present in the specified destination.")
	case a.ParentID != in.SourceParentId:
		return nil, jsonrpc.Errorf(http.StatusBadRequest, "SourceParentNotFoundException", "The account %s is not in %s.", a.ID, in.SourceParentId)
	}
	if err := s.store.MoveAccount(ctx, a.ID, in.SourceParentId, in.DestinationParentId); err != nil {
		return nil, internal(err)
	}
	return nil, nil
}

func ouNotFound() *jsonrpc.Error {
	return jsonrpc.Errorf(http.StatusBadRequest, "OrganizationalUnitNotFoundException", "We can't find an OU with the OrganizationalUnitId that you specified.")
}

func (s *Service) createOrganizationalUnit(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct {
		ParentId string
		Name     string
		Tags     []tagElement
	}
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	if len(in.Name) < 1 || len(in.Name) > 128 || !printable.MatchString(in.Name) {
		return nil, invalidInput("INVALID_PATTERN", "You specified an invalid value for Name: 1 to 128 printable characters.")
	}
	tags, terr := tagsOf(in.Tags)
	if terr != nil {
		return nil, terr
	}
	if err := s.authorize(ctx, c, "organizations:CreateOrganizationalUnit", "*"); err != nil {
		return nil, err
	}
	t, err := s.tree(ctx, c)
	if err != nil {
		return nil, err
	}
	if err := parentParam(t, in.ParentId); err != nil {
		return nil, err
	}
	if t.depth(in.ParentId)+1 > MaxOUDepth {
		return nil, constraintViolation("OU_DEPTH_LIMIT_EXCEEDED", "You attempted to create an OU tree that is too many levels deep: OUs nest %d levels at most.", MaxOUDepth)
	}
	ou := &trustgate.OrganizationalUnit{ID: ids.OrganizationalUnit(c.org.RootID), ParentID: in.ParentId, Name: in.Name, CreatedAt: s.now()}
	if e := s.store.CreateOU(ctx, ou); e != nil {
		if errors.Is(e, trustgate.ErrConflict) {
			return nil, jsonrpc.Errorf(http.StatusBadRequest, "DuplicateOrganizationalUnitException", "An OU with the same name already exists.")
		}
		return nil, internal(e)
	}
	if err := s.attachDefaults(ctx, c, ou.ID); err != nil {
		return nil, err
	}
	if len(tags) > 0 {
		if e := s.store.SetOrgTags(ctx, ou.ID, tags); e != nil {
			return nil, internal(e)
		}
	}
	return struct{ OrganizationalUnit ouElement }{c.ouOf(ou)}, nil
}

// ouParam finds the OU named by id.
func (s *Service) ouParam(ctx context.Context, id string) (*trustgate.OrganizationalUnit, *jsonrpc.Error) {
	if !ouIDPattern.MatchString(id) {
		return nil, invalidInput("INVALID_PATTERN", "You specified an invalid value for OrganizationalUnitId %q: ou-... .", id)
	}
	ou, err := s.store.OU(ctx, id)
	if err != nil {
		return nil, storeError(err, ouNotFound())
	}
	return ou, nil
}

func (s *Service) describeOrganizationalUnit(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct{ OrganizationalUnitId string }
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, c, "organizations:DescribeOrganizationalUnit", c.ouARN(in.OrganizationalUnitId)); err != nil {
		return nil, err
	}
	ou, err := s.ouParam(ctx, in.OrganizationalUnitId)
	if err != nil {
		return nil, err
	}
	return struct{ OrganizationalUnit ouElement }{c.ouOf(ou)}, nil
}

func (s *Service) updateOrganizationalUnit(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct{ OrganizationalUnitId, Name string }
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, c, "organizations:UpdateOrganizationalUnit", c.ouARN(in.OrganizationalUnitId)); err != nil {
		return nil, err
	}
	ou, err := s.ouParam(ctx, in.OrganizationalUnitId)
	if err != nil {
		return nil, err
	}
	if in.Name != "" {
		if len(in.Name) > 128 || !printable.MatchString(in.Name) {
			return nil, invalidInput("INVALID_PATTERN", "You specified an invalid value for Name: 1 to 128 printable characters.")
		}
		if e := s.store.RenameOU(ctx, ou.ID, in.Name); e != nil {
			if errors.Is(e, trustgate.ErrConflict) {
				return nil, jsonrpc.Errorf(http.StatusBadRequest, "DuplicateOrganizationalUnitException", "An OU with the same name already exists.")
			}
			return nil, storeError(e, ouNotFound())
		}
		ou.Name = in.Name
	}
	return struct{ OrganizationalUnit ouElement }{c.ouOf(ou)}, nil
}

func (s *Service) deleteOrganizationalUnit(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct{ OrganizationalUnitId string }
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, c, "organizations:DeleteOrganizationalUnit", c.ouARN(in.OrganizationalUnitId)); err != nil {
		return nil, err
	}
	ou, err := s.ouParam(ctx, in.OrganizationalUnitId)
	if err != nil {
		return nil, err
	}
	if e := s.store.DeleteOU(ctx, ou.ID); e != nil {
		if errors.Is(e, trustgate.ErrConflict) {
			return nil, jsonrpc.Errorf(http.StatusBadRequest, "OrganizationalUnitNotEmptyException",
				"The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again.")
		}
		return nil, storeError(e, ouNotFound())
	}
	return nil, nil
}

func (s *Service) listOrganizationalUnitsForParent(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	t, in, err := s.parentListing(ctx, c, "organizations:ListOrganizationalUnitsForParent")
	if err != nil {
		return nil, err
	}
	var out []ouElement
	for _, id := range t.children(in.ParentId, kindOU) {
		out = append(out, c.ouOf(t.ous[id]))
	}
	items, next, perr := page(out, in.MaxResults, in.NextToken, MaxListResults)
	if perr != nil {
		return nil, perr
	}
	return struct {
		OrganizationalUnits []ouElement
		NextToken           string `json:",omitempty"`
	}{nonNil(items), next}, nil
}

func (s *Service) listParents(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct {
		ChildId string
		paging
	}
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, c, "organizations:ListParents", "*"); err != nil {
		return nil, err
	}
	t, err := s.tree(ctx, c)
	if err != nil {
		return nil, err
	}
	if k := t.kind(in.ChildId); k != kindOU && k != kindAccount {
		return nil, jsonrpc.Errorf(http.StatusBadRequest, "ChildNotFoundException", "We can't find an organizational unit (OU) or account with the ChildId that you specified.")
	}
	p := t.parent(in.ChildId)
	kind := kindOU
	if p == t.rootID {
		kind = kindRoot
	}
	items, next, perr := page([]idAndType{{p, kind}}, in.MaxResults, in.NextToken, MaxListResults)
	if perr != nil {
		return nil, perr
	}
	return struct {
		Parents   []idAndType
		NextToken string `json:",omitempty"`
	}{items, next}, nil
}

func (s *Service) listChildren(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	t, in, err := s.parentListing(ctx, c, "organizations:ListChildren")
	if err != nil {
		return nil, err
	}
	if in.ChildType != kindAccount && in.ChildType != kindOU {
		return nil, invalidInput("INVALID_ENUM", "You specified an invalid value for ChildType: ACCOUNT or ORGANIZATIONAL_UNIT.")
	}
	var out []idAndType
	for _, id := range t.children(in.ParentId, in.ChildType) {
		out = append(out, idAndType{id, in.ChildType})
	}
	items, next, perr := page(out, in.MaxResults, in.NextToken, MaxListResults)
	if perr != nil {
		return nil, perr
	}
	return struct {
		Children  []idAndType
		NextToken string `json:",omitempty"`
	}{nonNil(items), next}, nil
}

// tagsOf checks the tags of a request: 50 at most, keys of 1 to 128
// characters, values of up to 256, no key twice.
func tagsOf(in []tagElement) ([]trustgate.Tag, *jsonrpc.Error) {
	if len(in) > 50 {
		return nil, constraintViolation("MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the number of tags allowed on a resource: 50.")
	}
	var out []trustgate.Tag
	seen := map[string]bool{}
	for _, t := range in {
		if len(t.Key) < 1 || len(t.Key) > 128 || len(t.Value) > 256 || seen[t.Key] || strings.HasPrefix(t.Key, "aws:") {
			return nil, invalidInput("INVALID_LIST_MEMBER", "You specified an invalid value for a tag: keys of 1 to 128 characters, not twice nor starting aws:, values of 256 at most.")
		}
		seen[t.Key] = true
		out = append(out, trustgate.Tag{Key: t.Key, Value: t.Value})
	}
	return out, nil
}

// resourceTags authorizes a tagging action and returns the tags of the
// root, OU, account or policy id.
func (s *Service) resourceTags(ctx context.Context, c *Call, action, id string) ([]trustgate.Tag, *jsonrpc.Error) {
	if err := s.authorize(ctx, c, action, "*"); err != nil {
		return nil, err
	}
	if err := s.taggable(ctx, c, id); err != nil {
		return nil, err
	}
	tags, err := s.store.OrgTags(ctx, id)
	if err != nil {
		return nil, internal(err)
	}
	return tags, nil
}

// taggable checks that id names a root, OU, account or policy.
func (s *Service) taggable(ctx context.Context, c *Call, id string) *jsonrpc.Error {
	t, err := s.tree(ctx, c)
	if err != nil {
		return err
	}
	if t.kind(id) != "" {
		return nil
	}
	if _, ok := s.lookupPolicy(ctx, id); ok {
		return nil
	}
	return jsonrpc.Errorf(http.StatusBadRequest, "TargetNotFoundException", "We can't find a root, OU, account, or policy with the TargetId that you specified.")
}

func (s *Service) tagResource(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct {
		ResourceId string
		Tags       []tagElement
	}
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	added, err := tagsOf(in.Tags)
	if err != nil {
		return nil, err
	}
	return nil, s.changeTags(ctx, c, "organizations:TagResource", in.ResourceId, func(tags []trustgate.Tag) ([]trustgate.Tag, *jsonrpc.Error) {
		for _, a := range added {
			replaced := false
			for i := range tags {
				if tags[i].Key == a.Key {
					tags[i], replaced = a, true
				}
			}
			if !replaced {
				tags = append(tags, a)
			}
		}
		if len(tags) > 50 {
			return nil, constraintViolation("MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the number of tags allowed on a resource: 50.")
		}
		return tags, nil
	})
}

func (s *Service) untagResource(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct {
		ResourceId string
		TagKeys    []string
	}
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	return nil, s.changeTags(ctx, c, "organizations:UntagResource", in.ResourceId, func(tags []trustgate.Tag) ([]trustgate.Tag, *jsonrpc.Error) {
		var kept []trustgate.Tag
		for _, t := range tags {
			if !contains(in.TagKeys, t.Key) {
				kept = append(kept, t)
			}
		}
		return kept, nil
	})
}

// changeTags authorizes action on the resource id and applies change to
// its tags as they are stored by now, in one step (see store.Store), so
// that tags added at once all hold.
func (s *Service) changeTags(ctx context.Context, c *Call, action, id string, change func([]trustgate.Tag) ([]trustgate.Tag, *jsonrpc.Error)) *jsonrpc.Error {
	if err := s.authorize(ctx, c, action, "*"); err != nil {
		return err
	}
	if err := s.taggable(ctx, c, id); err != nil {
		return err
	}
	err := s.store.UpdateOrgTags(ctx, id, func(tags []trustgate.Tag) ([]trustgate.Tag, error) {
		tags, refused := change(tags)
		if refused != nil {
			return nil, refused // back out of the store as itself, below
		}
		return tags, nil
	})
	var refused *jsonrpc.Error
	switch {
	case errors.As(err, &refused):
		return refused
	case err != nil:
		return internal(err)
	}
	return nil
}

func (s *Service) listTagsForResource(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	var in struct {
		ResourceId string
		NextToken  string
	}
	if err := c.Request.Params(&in); err != nil {
		return nil, err
	}
	tags, err := s.resourceTags(ctx, c, "organizations:ListTagsForResource", in.ResourceId)
	if err != nil {
		return nil, err
	}
	out := []tagElement{}
	for _, t := range tags {
		out = append(out, tagElement{t.Key, t.Value})
	}
	return struct{ Tags []tagElement }{out}, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// nonNil makes an empty list [] rather than null in the answer.
func nonNil[T any](items []T) []T {
	if items == nil {
		return []T{}
	}
	return items
}

// leaveOrganization is asked by a member account of itself, and decided
// with its own policies and its SCPs, which may deny it. No account can
// leave a trustgate organization: the management account never can, and
// a member account made by CreateAccount would first need the billing
// details of a standalone account, which trustgate has no notion of.
func (s *Service) leaveOrganization(ctx context.Context, c *Call) (any, *jsonrpc.Error) {
	if err := s.authorizeOwn(ctx, c, "organizations:LeaveOrganization", c.accountARN(c.Principal.Account)); err != nil {
		return nil, err
	}
	if c.Principal.Account == c.org.ManagementAccount {
		// Organizations has an error of its own for this (note 47).
		return nil, jsonrpc.Errorf(http.StatusBadRequest, "MasterCannotLeaveOrganizationException",
			"The management account can't leave its organization; to make it a member of another one, delete this organization first.")
	}
	return nil, constraintViolation("MEMBER_ACCOUNT_PAYMENT_INSTRUMENT_REQUIRED",
		"The account has no billing details of a standalone account, which leaving the organization requires.")
}
