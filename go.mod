module rolecall

go 1.26.0
