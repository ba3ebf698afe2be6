module rolecall/bench

go 1.26.0

require (
	github.com/casbin/casbin/v2 v2.135.0
	rolecall v0.0.0
)

require (
	github.com/bmatcuk/doublestar/v4 v4.6.1 // indirect
	github.com/casbin/govaluate v1.3.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/mtibben/confusables v0.0.0-20210201002637-9d1b0723b659 // indirect
	golang.org/x/text v0.44.0 // indirect
)

replace rolecall => ../
