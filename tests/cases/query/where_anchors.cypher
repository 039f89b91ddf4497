// WHERE equalities on an indexed key or on fold(n.name) start from the
// index; the rest of WHERE still filters (here the second conjunct).
MATCH (p)-[:ATTENDED]->(e) WHERE fold(p.name) = 'phung si tan' AND e.name = 'Security summit'
MATCH (q:Person) WHERE q.name = 'Nguyễn Thị Lan' OR q.name = 'Trần Văn Minh'
RETURN p.name AS p, e.name AS e, q.name AS q ORDER BY q
