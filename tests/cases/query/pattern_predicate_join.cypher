// A predicate between two bound variables is a join test, not a new match;
// labels on a bound variable inside it are an extra condition.
MATCH (a:Person), (e)
WHERE (a)-[:ATTENDED]->(e:Event) AND NOT (e)-[:IN]->(:Place {name: 'Đà Nẵng'})
RETURN a.name, e.name ORDER BY a.name
