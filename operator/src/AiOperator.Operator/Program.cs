Console.WriteLine("aiop-operator");
