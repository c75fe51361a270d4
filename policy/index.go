package policy

import "strings"

// actionIndex finds the statements that can apply to an action without
// looking at the others, so the cost of evaluating a policy grows with the
// statements about the action, not with the size of the policy.
//
// Statements are filed under the exact actions they name (s3:GetObject),
// under their service when they name a pattern within one (s3:Get*), or
// in always when they may apply to any action ("*", NotAction).
// Keys are hashes of the lower-cased names; a hash collision only adds a
// candidate, which the statement's own matching then rejects.
type actionIndex struct {
	byAction  map[uint64][]int32
	byService map[uint64][]int32
	always    []int32
	all       []int32 // every statement, for small policies
}

// smallPolicy is the statement count below which a linear scan beats the
// index's hashing.
const smallPolicy = 6

func buildIndex(statements []*Statement) actionIndex {
	var ix actionIndex
	for i := range statements {
		ix.all = append(ix.all, int32(i))
	}
	if len(statements) < smallPolicy {
		return ix
	}
	ix.byAction = make(map[uint64][]int32)
	ix.byService = make(map[uint64][]int32)
	for i, s := range statements {
		n := int32(i)
		if s.NotAction {
			ix.always = append(ix.always, n)
			continue
		}
		wildServices := map[string]bool{}
		global := false
		for _, a := range s.Actions {
			service, name, ok := strings.Cut(a, ":")
			switch {
			case !ok || strings.ContainsAny(service, "*?"):
				global = true
			case strings.ContainsAny(name, "*?"):
				wildServices[strings.ToLower(service)] = true
			}
		}
		if global {
			ix.always = append(ix.always, n)
			continue
		}
		seen := map[uint64]bool{}
		for svc := range wildServices {
			h := foldHash(svc)
			if !seen[h] {
				seen[h] = true
				ix.byService[h] = append(ix.byService[h], n)
			}
		}
		for _, a := range s.Actions {
			service, _, _ := strings.Cut(a, ":")
			if wildServices[strings.ToLower(service)] {
				continue
			}
			h := foldHash(a)
			if !seen[h] {
				seen[h] = true
				ix.byAction[h] = append(ix.byAction[h], n)
			}
		}
	}
	return ix
}

// each calls fn with the index of every statement that may apply to the
// request's action, until fn returns false. req must be prepared.
func (ix *actionIndex) each(req *Request, fn func(int32) bool) {
	if ix.byAction == nil {
		for _, i := range ix.all {
			if !fn(i) {
				return
			}
		}
		return
	}
	for _, i := range ix.always {
		if !fn(i) {
			return
		}
	}
	for _, i := range ix.byService[req.serviceHash] {
		if !fn(i) {
			return
		}
	}
	for _, i := range ix.byAction[req.actionHash] {
		if !fn(i) {
			return
		}
	}
}

// foldHash is FNV-1a over the ASCII-lower-cased bytes of s.
func foldHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}
