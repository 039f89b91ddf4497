// MERGE finds or creates; SET, REMOVE and DETACH DELETE change the graph.
MERGE (p:Person {name: 'Phùng Sĩ Tấn'}) ON MATCH SET p.seen = true
MERGE (q:Person {name: 'Lê Văn Hải'}) ON CREATE SET q.new = true
SET q:Officer, q += {rank: 'major'}
REMOVE p.born
WITH p, q
MATCH (m:Person {name: 'Trần Văn Minh'}) DETACH DELETE m
RETURN p.seen AS seen, p.born AS born, labels(q) AS labels, q.new AS new, q.rank AS rank
