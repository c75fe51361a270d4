module github.com/trustgate/trustgate

go 1.26
