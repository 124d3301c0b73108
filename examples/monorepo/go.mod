module github.com/monzo/wearedev

go 1.22
