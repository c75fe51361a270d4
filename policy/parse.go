package policy

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Parse reads, validates and compiles a policy document of the given kind.
// A document that is not valid returns an *Error whose message says what
// is wrong in IAM's words. Parse does not check size quotas: those depend
// on where the policy goes (see Size and the Max... constants).
func Parse(doc string, kind Kind) (*Policy, error) {
	var root any
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		return nil, malformed("This policy contains invalid Json")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, malformed("This policy contains invalid Json")
	}
	obj, ok := root.(map[string]any)
	if !ok {
		return nil, malformed("Syntax errors in policy. The document must be a JSON object with Version and Statement")
	}
	p := &Policy{Kind: kind, Document: doc}
	for _, name := range sortedKeys(obj) {
		switch name {
		case "Version", "Id", "Statement":
		default:
			return nil, malformed("Syntax errors in policy. Unknown field %s; a policy has Version, Id and Statement", name)
		}
	}
	if v, ok := obj["Version"]; ok {
		s, isString := v.(string)
		if !isString || (s != Version2012 && s != Version2008) {
			return nil, malformed("The policy failed legacy parsing. Version must be %q or %q", Version2012, Version2008)
		}
		p.Version = s
	}
	if v, ok := obj["Id"]; ok {
		s, isString := v.(string)
		if !isString {
			return nil, malformed("Syntax errors in policy. Id must be a string")
		}
		p.ID = s
	}
	raw, ok := obj["Statement"]
	if !ok {
		return nil, malformed("Syntax errors in policy. Missing required field Statement")
	}
	var statements []any
	switch st := raw.(type) {
	case map[string]any:
		statements = []any{st}
	case []any:
		statements = st
	default:
		return nil, malformed("Syntax errors in policy. Statement must be an object or a list of objects")
	}
	if len(statements) == 0 {
		if kind == Resource {
			return nil, malformed("Could not parse the policy: Statement is empty!")
		}
		return nil, malformed("Syntax errors in policy. Statement must hold at least one statement")
	}
	if kind == ResourceControl && p.Version != Version2012 {
		return nil, orgMalformed("every RCP needs \"Version\": \"2012-10-17\"")
	}
	variables := p.Version == Version2012
	sids := map[string]bool{}
	for i, rawStatement := range statements {
		m, ok := rawStatement.(map[string]any)
		if !ok {
			return nil, malformed("Syntax errors in policy. Statement %d must be an object", i+1)
		}
		s, err := parseStatement(m, kind, variables)
		if err != nil {
			return nil, err
		}
		s.Index, s.policy = i, p
		if s.Sid != "" && iamKind(kind) {
			if sids[s.Sid] {
				return nil, malformed("Statement IDs (SID) in a single policy must be unique. %q is used twice", s.Sid)
			}
			sids[s.Sid] = true
		}
		p.Statements = append(p.Statements, s)
	}
	p.index = buildIndex(p.Statements)
	return p, nil
}

// MustParse is Parse for documents known to be valid, such as AWS managed
// policies built into the binary. It panics on an invalid document.
func MustParse(doc string, kind Kind, name string) *Policy {
	p, err := Parse(doc, kind)
	if err != nil {
		panic(fmt.Sprintf("policy %s: %v", name, err))
	}
	p.Name = name
	return p
}

// iamKind reports whether IAM (rather than S3 or Organizations) validates
// documents of this kind, with its stricter rules for Sid.
func iamKind(k Kind) bool {
	return k == Identity || k == Trust || k == Session
}

var statementFields = map[string]bool{
	"Sid": true, "Effect": true, "Principal": true, "NotPrincipal": true,
	"Action": true, "NotAction": true, "Resource": true, "NotResource": true,
	"Condition": true,
}

func parseStatement(m map[string]any, kind Kind, variables bool) (*Statement, error) {
	for _, name := range sortedKeys(m) {
		if !statementFields[name] {
			return nil, malformed("Syntax errors in policy. Unknown field %s in a statement", name)
		}
	}
	s := &Statement{}
	if v, ok := m["Sid"]; ok {
		sid, isString := v.(string)
		if !isString {
			return nil, malformed("Syntax errors in policy. Sid must be a string")
		}
		if iamKind(kind) && !isAlphanumeric(sid) {
			return nil, malformed("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*; %q does not", sid)
		}
		s.Sid = sid
	}
	switch v := m["Effect"]; v {
	case "Allow":
		s.Effect = Allow
	case "Deny":
		s.Effect = Deny
	case nil:
		return nil, malformed("Missing required field Effect")
	default:
		if iamKind(kind) {
			return nil, malformed("The policy failed legacy parsing. Effect must be \"Allow\" or \"Deny\", not %v", v)
		}
		return nil, malformed("Invalid effect: %v. Effect must be \"Allow\" or \"Deny\"", v)
	}
	if err := s.parsePrincipal(m, kind); err != nil {
		return nil, err
	}
	if err := s.parseActions(m, kind); err != nil {
		return nil, err
	}
	if err := s.parseResources(m, kind, variables); err != nil {
		return nil, err
	}
	if c, ok := m["Condition"]; ok {
		conds, err := parseConditions(c, variables)
		if err != nil {
			return nil, err
		}
		s.Conditions = conds
	}
	if kind == ResourceControl {
		if err := s.checkRCP(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// orgMalformed is Organizations' one message for a policy its type does
// not allow, with what is wrong.
func orgMalformed(detail string) *Error {
	return malformed("The provided policy document does not meet the requirements of the specified policy type: %s.", detail)
}

// checkRCP applies the RCP rules: statements deny (only the AWS managed
// RCPFullAWSAccess allows, with "*" for principal, action and resource),
// and NotAction is not supported.
func (s *Statement) checkRCP() error {
	if s.NotAction {
		return orgMalformed("an RCP cannot use NotAction")
	}
	if s.Effect == Allow {
		full := s.Principal != nil && s.Principal.Any && len(s.Actions) == 1 && s.Actions[0] == "*" &&
			len(s.Resources) == 1 && s.Resources[0] == "*" && !s.NotResource && len(s.Conditions) == 0
		if !full {
			return orgMalformed("an RCP statement must Deny; only RCPFullAWSAccess allows")
		}
	}
	return nil
}

func (s *Statement) parsePrincipal(m map[string]any, kind Kind) error {
	p, hasP := m["Principal"]
	np, hasNP := m["NotPrincipal"]
	switch kind {
	case Identity, Session, ServiceControl:
		if hasP || hasNP {
			return malformed("Policy document should not specify a principal.")
		}
		return nil
	}
	if hasP && hasNP {
		return malformed("Syntax errors in policy. A statement cannot have both Principal and NotPrincipal")
	}
	if !hasP && !hasNP {
		return malformed("Missing required field Principal")
	}
	raw := p
	if hasNP {
		switch kind {
		case ResourceControl:
			return orgMalformed("an RCP cannot use NotPrincipal")
		case Trust:
			return malformed("Invalid principal in policy: a role trust policy cannot use NotPrincipal; use Principal with a condition on aws:PrincipalArn")
		}
		raw, s.NotPrincipal = np, true
	}
	principals, err := compilePrincipals(raw, kind)
	if err != nil {
		return err
	}
	if kind == ResourceControl && !principals.Any {
		return orgMalformed("an RCP must use \"Principal\": \"*\" and narrow it with conditions")
	}
	s.Principal = principals
	return nil
}

func (s *Statement) parseActions(m map[string]any, kind Kind) error {
	a, hasA := m["Action"]
	na, hasNA := m["NotAction"]
	if hasA && hasNA {
		return malformed("Syntax errors in policy. A statement cannot have both Action and NotAction")
	}
	if !hasA && !hasNA {
		return malformed("Policy statement must contain actions.")
	}
	raw := a
	if hasNA {
		raw, s.NotAction = na, true
	}
	actions, err := stringList(raw)
	if err != nil {
		return malformed("Syntax errors in policy. Action must be a string or a list of strings")
	}
	if len(actions) == 0 {
		return malformed("Policy statement must contain actions.")
	}
	for _, action := range actions {
		if err := validateAction(action); err != nil {
			return err
		}
		if kind == Trust && !s.NotAction && !isTrustAction(action) {
			return malformed("AssumeRole policy may only specify STS AssumeRole actions. %q is not one", action)
		}
		s.actions = append(s.actions, compilePattern(action, true, false))
	}
	s.Actions = actions
	return nil
}

// validateAction checks the service:action form.
func validateAction(action string) error {
	if action == "*" {
		return nil
	}
	service, name, ok := strings.Cut(action, ":")
	if !ok {
		return malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. %q has no vendor", action)
	}
	if strings.Contains(name, ":") {
		return malformed("Actions/Condition can contain only one colon. %q has more", action)
	}
	if service == "" || !isVendor(service) {
		return malformed("Vendor %s is not valid in action %q", service, action)
	}
	if name == "" {
		return malformed("Action %q names no action after the vendor", action)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '*' || r == '?' || r == '-' || r == '_') {
			return malformed("Action %q contains the invalid character %q", action, r)
		}
	}
	return nil
}

func isVendor(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '*' || r == '?') {
			return false
		}
	}
	return true
}

// isTrustAction reports whether a trust policy may name the action: the
// STS actions that start or shape a role session.
func isTrustAction(action string) bool {
	if action == "*" {
		return true
	}
	service, _, _ := strings.Cut(action, ":")
	return strings.EqualFold(service, "sts")
}

func (s *Statement) parseResources(m map[string]any, kind Kind, variables bool) error {
	r, hasR := m["Resource"]
	nr, hasNR := m["NotResource"]
	if hasR && hasNR {
		return malformed("Syntax errors in policy. A statement cannot have both Resource and NotResource")
	}
	if kind == Trust {
		if hasR || hasNR {
			return malformed("Has prohibited field Resource")
		}
		return nil
	}
	if !hasR && !hasNR {
		return malformed("Policy statement must contain resources.")
	}
	raw := r
	if hasNR {
		raw, s.NotResource = nr, true
	}
	resources, err := stringList(raw)
	if err != nil {
		return malformed("Syntax errors in policy. Resource must be a string or a list of strings")
	}
	if len(resources) == 0 {
		return malformed("Policy statement must contain resources.")
	}
	for _, res := range resources {
		if res != "*" {
			parts, ok := splitArnPattern(res)
			if !ok {
				return malformed("Resource %s must be in ARN format or \"*\".", res)
			}
			if parts[1] == "iam" && parts[2] != "" && iamKind(kind) {
				return malformed("IAM resource %s cannot contain region information.", res)
			}
		}
		s.resources = append(s.resources, compileArnPattern(res, variables))
	}
	s.Resources = resources
	return nil
}

func parseConditions(raw any, variables bool) ([]Condition, error) {
	block, ok := raw.(map[string]any)
	if !ok {
		return nil, malformed("Syntax errors in policy. Condition must be an object of operators, e.g. {\"StringEquals\": {\"aws:username\": \"alice\"}}")
	}
	var out []Condition
	for _, opName := range sortedKeys(block) {
		keys, ok := block[opName].(map[string]any)
		if !ok {
			return nil, malformed("Syntax errors in policy. Condition operator %s must map condition keys to values", opName)
		}
		if _, _, _, known := parseOperator(opName); !known {
			return nil, malformed("Invalid Condition type : %s", opName)
		}
		for _, key := range sortedKeys(keys) {
			values, err := stringList(keys[key])
			if err != nil {
				return nil, malformed("Syntax errors in policy. The values of condition key %s must be strings, numbers or booleans", key)
			}
			c, err := compileCondition(opName, key, values, variables)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// stringList reads a policy value that is a scalar or a list of scalars.
// Numbers and booleans are kept as their JSON text, as IAM does.
func stringList(v any) ([]string, error) {
	switch x := v.(type) {
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := scalar(e)
			if !ok {
				return nil, fmt.Errorf("not a scalar: %v", e)
			}
			out = append(out, s)
		}
		return out, nil
	default:
		s, ok := scalar(v)
		if !ok {
			return nil, fmt.Errorf("not a scalar: %v", v)
		}
		return []string{s}, nil
	}
}

func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		if x {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

func isAlphanumeric(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
