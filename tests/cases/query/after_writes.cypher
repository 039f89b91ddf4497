// A script: later statements see earlier writes.
CREATE (:Person {name: 'Hoàng Anh'})-[:MEMBER_OF]->(:Institution {name: 'Navy'});
MATCH (i:Institution)<-[:MEMBER_OF]-(p) RETURN i.name AS institution, count(p) AS members ORDER BY institution
